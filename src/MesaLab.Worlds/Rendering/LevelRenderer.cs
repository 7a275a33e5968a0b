namespace MesaLab.Worlds.Rendering;

/// <summary>
/// Draws a level as an RGBA <see cref="Image"/>, <see cref="CellSize"/> pixels per cell: floor, whole-cell
/// fills (exit, lava, marked), object shapes (dish, beacons, arrow, cheese, key, chest, apple, shield), the
/// agent's path, the moving things (partner, monsters), the agent, blocks (cells closed on all sides) filled
/// solid, and the walls last as dark lines along blocked cell sides. Pure C#, no native code; PNG/GIF encoding
/// lives in MesaLab.Reports.
/// </summary>
public sealed class LevelRenderer
{
    /// <summary>Fewest pixels per cell that still show the objects' shapes.</summary>
    public const int MinCellSize = 4;

    /// <summary>Most pixels per cell: the largest levels (64×64) are then 4096 pixels wide, and a GIF of them stays in memory.</summary>
    public const int MaxCellSize = 64;

    public LevelRenderer(int cellSize = 24)
    {
        if (cellSize < MinCellSize || cellSize > MaxCellSize) throw new UserError($"--cell-size is {cellSize}, but it must be a whole number from {MinCellSize} to {MaxCellSize}.");
        CellSize = cellSize;
    }

    public int CellSize { get; }

    /// <summary>Thickness of a wall line on each side of a cell (so an inner wall reads twice as thick as the border).</summary>
    public int WallThickness => Math.Max(1, CellSize / 12);

    /// <summary>The pixel at the centre of <paramref name="cell"/>.</summary>
    public (int X, int Y) Centre(Level level, int cell) => (level.X(cell) * CellSize + CellSize / 2, level.Y(cell) * CellSize + CellSize / 2);

    /// <summary>The level in its initial state with the agent on the start.</summary>
    public Image Render(Level level) => Render(level, level.Objects.AsSpan(0, level.CellCount), level.Start);

    /// <summary>
    /// The level with the given live objects, the agent on <paramref name="agentCell"/> (−1: no agent) and,
    /// if not empty, the agent's path as a polyline through the centres of <paramref name="trajectory"/>'s cells.
    /// </summary>
    public Image Render(Level level, ReadOnlySpan<CellObject> objects, int agentCell, ReadOnlySpan<int> trajectory = default)
    {
        int cs = CellSize;
        var image = new Image(level.Width * cs, level.Height * cs);
        image.Fill(Palette.Floor);
        for (int c = 0; c < level.CellCount; c++) DrawObjects(image, level, c, objects[c]);
        for (int k = 1; k < trajectory.Length; k++)
        {
            var (x0, y0) = Centre(level, trajectory[k - 1]);
            var (x1, y1) = Centre(level, trajectory[k]);
            image.DrawLine(x0 + 0.5, y0 + 0.5, x1 + 0.5, y1 + 0.5, Math.Max(1.5, cs / 8.0), Palette.Trajectory);
        }
        for (int c = 0; c < level.CellCount; c++) DrawActors(image, level, c, objects[c]);
        if (agentCell >= 0)
        {
            var (ax, ay) = Centre(level, agentCell);
            image.FillCircle(ax + 0.5, ay + 0.5, cs * 0.32, Palette.Agent);
        }
        for (int c = 0; c < level.CellCount; c++)
        {
            if (level.IsEnclosed(c)) image.FillRect(level.X(c) * cs, level.Y(c) * cs, (level.X(c) + 1) * cs, (level.Y(c) + 1) * cs, Palette.Wall);
            DrawWalls(image, level, c);
        }
        return image;
    }

    private void DrawObjects(Image image, Level level, int cell, CellObject o)
    {
        if (o == CellObject.None) return;
        int cs = CellSize;
        int x0 = level.X(cell) * cs, y0 = level.Y(cell) * cs;
        double cx = x0 + cs / 2 + 0.5, cy = y0 + cs / 2 + 0.5;
        if ((o & CellObject.Lava) != 0) image.FillRect(x0, y0, x0 + cs, y0 + cs, Palette.Lava);
        if ((o & CellObject.Marked) != 0) image.FillRect(x0, y0, x0 + cs, y0 + cs, Palette.Marked);
        if ((o & CellObject.Exit) != 0) image.FillRect(x0, y0, x0 + cs, y0 + cs, Palette.Exit);
        if ((o & CellObject.Dish) != 0)
        {
            image.FillCircle(cx, cy, cs * 0.46, Palette.DishRim);
            image.FillCircle(cx, cy, cs * 0.40, Palette.Dish);
        }
        if ((o & CellObject.Beacon) != 0)
            image.FillRect(x0 + cs / 5, y0 + cs / 5, x0 + cs - cs / 5, y0 + cs - cs / 5, (o & CellObject.NextBeacon) != 0 ? Palette.NextBeacon : Palette.Beacon);
        if ((o & CellObject.Cheese) != 0) image.FillCircle(cx, cy, cs * 0.34, Palette.Cheese);
        if ((o & CellObject.Apple) != 0) image.FillCircle(cx, cy, cs * 0.30, Palette.Apple);
        if ((o & CellObject.Shield) != 0)
        {
            double s = cs;
            image.FillPolygon(
            [
                (x0 + 0.25 * s, y0 + 0.18 * s), (x0 + 0.75 * s, y0 + 0.18 * s), (x0 + 0.75 * s, y0 + 0.50 * s),
                (x0 + 0.50 * s, y0 + 0.85 * s), (x0 + 0.25 * s, y0 + 0.50 * s),
            ], Palette.Shield);
        }
        if ((o & CellObject.Chest) != 0)
        {
            image.FillRect(x0 + cs / 5, y0 + cs / 4, x0 + cs - cs / 5, y0 + cs - cs / 5, Palette.Chest);
            image.FillRect(x0 + cs / 5, y0 + cs * 2 / 5 - 1, x0 + cs - cs / 5, y0 + cs * 2 / 5, Palette.Wall); // the lid's seam
        }
        if ((o & CellObject.Key) != 0)
        {
            double r = cs * 0.3;
            image.FillPolygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], Palette.Key);
        }
        if ((o & CellObject.Arrow) != 0)
        {
            // An upward arrow: head from 12 % to 45 % of the cell, shaft below it; the centre lies in the shaft.
            double s = cs;
            image.FillPolygon(
            [
                (x0 + 0.50 * s, y0 + 0.10 * s), (x0 + 0.88 * s, y0 + 0.45 * s), (x0 + 0.63 * s, y0 + 0.45 * s),
                (x0 + 0.63 * s, y0 + 0.90 * s), (x0 + 0.37 * s, y0 + 0.90 * s), (x0 + 0.37 * s, y0 + 0.45 * s),
                (x0 + 0.12 * s, y0 + 0.45 * s),
            ], Palette.Arrow);
        }
    }

    /// <summary>The partner (a disc larger than the agent's, so it shows around it) and monsters (a triangle).</summary>
    private void DrawActors(Image image, Level level, int cell, CellObject o)
    {
        if ((o & (CellObject.Partner | CellObject.Monster)) == 0) return;
        int cs = CellSize;
        var (px, py) = Centre(level, cell);
        double cx = px + 0.5, cy = py + 0.5;
        if ((o & CellObject.Partner) != 0) image.FillCircle(cx, cy, cs * 0.42, Palette.Partner);
        if ((o & CellObject.Monster) != 0)
            image.FillPolygon([(cx, cy - 0.40 * cs), (cx + 0.38 * cs, cy + 0.30 * cs), (cx - 0.38 * cs, cy + 0.30 * cs)], Palette.Monster);
    }

    private void DrawWalls(Image image, Level level, int cell)
    {
        int cs = CellSize, t = WallThickness;
        int x0 = level.X(cell) * cs, y0 = level.Y(cell) * cs;
        byte w = level.Walls[cell];
        if ((w & Walls.Up) != 0) image.FillRect(x0, y0, x0 + cs, y0 + t, Palette.Wall);
        if ((w & Walls.Down) != 0) image.FillRect(x0, y0 + cs - t, x0 + cs, y0 + cs, Palette.Wall);
        if ((w & Walls.Left) != 0) image.FillRect(x0, y0, x0 + t, y0 + cs, Palette.Wall);
        if ((w & Walls.Right) != 0) image.FillRect(x0 + cs - t, y0, x0 + cs, y0 + cs, Palette.Wall);
    }
}
