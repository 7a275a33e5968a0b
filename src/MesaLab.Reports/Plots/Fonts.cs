namespace MesaLab.Reports.Plots;

using SkiaSharp;

/// <summary>
/// Makes sure plot text has a typeface with glyphs. ScottPlot asks the system font manager for a sans
/// font; on a machine with no fonts installed it silently draws no text, so every label would vanish.
/// Then we fall back to a TrueType file from well-known locations (the CI installs fonts-dejavu-core).
/// </summary>
public static class Fonts
{
    private static readonly Lazy<bool> resolved = new(Resolve);

    /// <summary>True when plots can draw Latin text.</summary>
    public static bool Resolved => resolved.Value;

    /// <summary>Call before drawing; cheap after the first call.</summary>
    public static void Ensure() => _ = resolved.Value;

    private static bool Resolve()
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans", "FreeSans" })
        {
            using var face = SKFontManager.Default.MatchFamily(family);
            if (face is null || !string.Equals(face.FamilyName, family, StringComparison.OrdinalIgnoreCase) || !HasGlyphs(face)) continue;
            ScottPlot.Fonts.Default = family;
            return true;
        }
        string[] candidates =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        ];
        foreach (var path in candidates.Where(File.Exists))
        {
            using var face = SKTypeface.FromFile(path);
            if (!HasGlyphs(face)) continue;
            ScottPlot.Fonts.AddFontFile("MesaLab Sans", path);
            ScottPlot.Fonts.Default = "MesaLab Sans";
            return true;
        }
        // Last resort: whatever the system offers for the default family (may be a serif face).
        return HasGlyphs(SKTypeface.FromFamilyName(ScottPlot.Fonts.Default));
    }

    private static bool HasGlyphs(SKTypeface? face) => face is not null && face.GlyphCount > 0 && face.GetGlyphs("Ae1")[0] != 0;
}
