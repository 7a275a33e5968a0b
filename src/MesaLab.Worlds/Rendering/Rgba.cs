namespace MesaLab.Worlds.Rendering;

/// <summary>An opaque or translucent 8-bit colour.</summary>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}{(A == 255 ? "" : A.ToString("x2"))}";
}
