namespace MesaLab.Reports.Tests.Plots;

using SkiaSharp;

/// <summary>A decoded PNG with the measurements render tests assert on.</summary>
public sealed class Picture : IDisposable
{
    private readonly SKBitmap bitmap;

    public Picture(byte[] png)
    {
        Assert.True(png.Length > 8, "PNG is empty");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        bitmap = SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException("PNG does not decode");
        pixels = bitmap.Pixels;
    }

    private readonly SKColor[] pixels;

    public int Width => bitmap.Width;
    public int Height => bitmap.Height;

    public SKColor Pixel(int x, int y) => pixels[y * Width + x];

    /// <summary>Pixels in the rectangle whose colour is within <paramref name="tolerance"/> of <paramref name="color"/> (per channel).</summary>
    public int Count(SKColor color, int tolerance = 24, SKRectI? region = null)
    {
        var r = region ?? new SKRectI(0, 0, Width, Height);
        int n = 0;
        for (int y = r.Top; y < r.Bottom; y++)
        for (int x = r.Left; x < r.Right; x++)
        {
            var p = pixels[y * Width + x];
            if (Math.Abs(p.Red - color.Red) <= tolerance && Math.Abs(p.Green - color.Green) <= tolerance && Math.Abs(p.Blue - color.Blue) <= tolerance) n++;
        }
        return n;
    }

    /// <summary>Mean row of the pixels matching <paramref name="color"/> in the region (NaN if none): where a line sits vertically.</summary>
    public double MeanRow(SKColor color, int tolerance, SKRectI region)
    {
        double sum = 0;
        int n = 0;
        for (int y = region.Top; y < region.Bottom; y++)
        for (int x = region.Left; x < region.Right; x++)
        {
            var p = pixels[y * Width + x];
            if (Math.Abs(p.Red - color.Red) <= tolerance && Math.Abs(p.Green - color.Green) <= tolerance && Math.Abs(p.Blue - color.Blue) <= tolerance) { sum += y; n++; }
        }
        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>Pixels that are not (near) white.</summary>
    public int Inked(SKRectI? region = null)
    {
        var r = region ?? new SKRectI(0, 0, Width, Height);
        return (r.Width * r.Height) - Count(SKColors.White, 8, r);
    }

    /// <summary>Number of pixels that differ between two pictures of the same size.</summary>
    public int Differences(Picture other)
    {
        Assert.Equal(Width, other.Width);
        Assert.Equal(Height, other.Height);
        int n = 0;
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
            if (pixels[y * Width + x] != other.pixels[y * Width + x]) n++;
        return n;
    }

    public static SKColor Of(ScottPlot.Color c) => new(c.R, c.G, c.B);

    public void Dispose() => bitmap.Dispose();
}
