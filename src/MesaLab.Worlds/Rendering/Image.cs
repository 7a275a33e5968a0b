namespace MesaLab.Worlds.Rendering;

/// <summary>An RGBA picture in memory: <see cref="Pixels"/> holds 4 bytes per pixel, row-major from the top-left.</summary>
public sealed class Image
{
    public Image(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "an image needs at least one pixel.");
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 4];
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>R, G, B, A bytes per pixel.</summary>
    public byte[] Pixels { get; }

    public Rgba this[int x, int y]
    {
        get
        {
            int p = (y * Width + x) * 4;
            return new Rgba(Pixels[p], Pixels[p + 1], Pixels[p + 2], Pixels[p + 3]);
        }
        set
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
            int p = (y * Width + x) * 4;
            Pixels[p] = value.R; Pixels[p + 1] = value.G; Pixels[p + 2] = value.B; Pixels[p + 3] = value.A;
        }
    }

    public void Fill(Rgba colour) => FillRect(0, 0, Width, Height, colour);

    /// <summary>Fills the pixels with x in [x0, x1) and y in [y0, y1), clipped to the image.</summary>
    public void FillRect(int x0, int y0, int x1, int y1, Rgba colour)
    {
        x0 = Math.Max(0, x0); y0 = Math.Max(0, y0); x1 = Math.Min(Width, x1); y1 = Math.Min(Height, y1);
        for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) this[x, y] = colour;
    }

    /// <summary>Fills the disc of radius <paramref name="r"/> around the point (cx, cy) (pixel centres inside it).</summary>
    public void FillCircle(double cx, double cy, double r, Rgba colour)
    {
        int x0 = (int)Math.Floor(cx - r), x1 = (int)Math.Ceiling(cx + r), y0 = (int)Math.Floor(cy - r), y1 = (int)Math.Ceiling(cy + r);
        for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
        {
            double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            if (dx * dx + dy * dy <= r * r) this[x, y] = colour;
        }
    }

    /// <summary>Fills a simple polygon (even–odd rule on pixel centres).</summary>
    public void FillPolygon(ReadOnlySpan<(double X, double Y)> points, Rgba colour)
    {
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        foreach (var (px, py) in points) { minX = Math.Min(minX, px); maxX = Math.Max(maxX, px); minY = Math.Min(minY, py); maxY = Math.Max(maxY, py); }
        for (int y = (int)Math.Floor(minY); y <= (int)Math.Ceiling(maxY); y++)
        for (int x = (int)Math.Floor(minX); x <= (int)Math.Ceiling(maxX); x++)
        {
            double sx = x + 0.5, sy = y + 0.5;
            bool inside = false;
            for (int i = 0, j = points.Length - 1; i < points.Length; j = i++)
            {
                var (xi, yi) = points[i];
                var (xj, yj) = points[j];
                if ((yi > sy) != (yj > sy) && sx < (xj - xi) * (sy - yi) / (yj - yi) + xi) inside = !inside;
            }
            if (inside) this[x, y] = colour;
        }
    }

    /// <summary>Draws a straight segment of the given thickness with round ends.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, double thickness, Rgba colour)
    {
        double r = thickness / 2;
        int bx0 = (int)Math.Floor(Math.Min(x0, x1) - r), bx1 = (int)Math.Ceiling(Math.Max(x0, x1) + r);
        int by0 = (int)Math.Floor(Math.Min(y0, y1) - r), by1 = (int)Math.Ceiling(Math.Max(y0, y1) + r);
        double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        for (int y = by0; y <= by1; y++)
        for (int x = bx0; x <= bx1; x++)
        {
            double px = x + 0.5 - x0, py = y + 0.5 - y0;
            double t = len2 == 0 ? 0 : Math.Clamp((px * dx + py * dy) / len2, 0, 1);
            double ex = px - t * dx, ey = py - t * dy;
            if (ex * ex + ey * ey <= r * r) this[x, y] = colour;
        }
    }
}
