namespace MesaLab.Worlds;

/// <summary>
/// Fractal Perlin (gradient) noise on a grid of cells: random unit gradients on a lattice of <c>scale</c>-cell
/// squares, interpolated with the quintic fade 6t⁵ − 15t⁴ + 10t³ and sampled at cell centres; each further octave
/// halves the lattice spacing and the amplitude, and the sum is divided by the total amplitude, so values stay
/// within about ±0.71. Gradients come from a fixed table of eight directions, so the values are exact functions
/// of the random stream on every platform. Allocation-free after the first use at a size.
/// </summary>
public sealed class PerlinNoise
{
    private const double D = 0.70710678118654752;
    private static readonly double[] gx = [1, -1, 0, 0, D, D, -D, -D];
    private static readonly double[] gy = [0, 0, 1, -1, D, -D, D, -D];
    private byte[] gradients = [];

    /// <summary>Writes the noise value of every cell of a <paramref name="width"/> × <paramref name="height"/> grid into <paramref name="values"/> (row-major).</summary>
    public void Fill(ref Rng rng, int width, int height, int scale, int octaves, Span<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(octaves, 1);
        values[..(width * height)].Clear();
        double amplitude = 1, total = 0;
        for (int o = 0; o < octaves; o++)
        {
            double spacing = Math.Max(1.0, scale / (double)(1 << o));
            AddOctave(ref rng, width, height, spacing, amplitude, values);
            total += amplitude;
            amplitude /= 2;
        }
        for (int c = 0; c < width * height; c++) values[c] /= total;
    }

    private void AddOctave(ref Rng rng, int width, int height, double spacing, double amplitude, Span<double> values)
    {
        int lw = (int)Math.Ceiling(width / spacing) + 2, lh = (int)Math.Ceiling(height / spacing) + 2;
        if (gradients.Length < lw * lh) gradients = new byte[lw * lh];
        for (int k = 0; k < lw * lh; k++) gradients[k] = (byte)rng.Next(gx.Length);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double px = (x + 0.5) / spacing, py = (y + 0.5) / spacing;
            int x0 = (int)px, y0 = (int)py;
            double fx = px - x0, fy = py - y0;
            double n00 = Dot(gradients[y0 * lw + x0], fx, fy);
            double n10 = Dot(gradients[y0 * lw + x0 + 1], fx - 1, fy);
            double n01 = Dot(gradients[(y0 + 1) * lw + x0], fx, fy - 1);
            double n11 = Dot(gradients[(y0 + 1) * lw + x0 + 1], fx - 1, fy - 1);
            double u = Fade(fx), v = Fade(fy);
            double top = n00 + u * (n10 - n00), bottom = n01 + u * (n11 - n01);
            values[y * width + x] += amplitude * (top + v * (bottom - top));
        }
    }

    private static double Dot(byte g, double dx, double dy) => gx[g] * dx + gy[g] * dy;

    private static double Fade(double t) => t * t * t * (t * (t * 6 - 15) + 10);
}
