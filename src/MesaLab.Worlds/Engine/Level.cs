namespace MesaLab.Worlds;

/// <summary>
/// One generated level: a grid of cells with walls between them, the objects on each cell and the
/// agent's start. Cells are indexed row-major, <c>cell = y * Width + x</c>, row 0 at the top.
/// A level is a pure function of (world, split, seed, level index). Arrays may be longer than
/// <see cref="CellCount"/> so a batch can regenerate levels in place without allocating.
/// </summary>
public sealed class Level
{
    public Level(int capacity = 0)
    {
        Walls = new byte[capacity];
        Objects = new CellObject[capacity];
    }

    public int Width { get; private set; }
    public int Height { get; private set; }
    public int CellCount => Width * Height;

    /// <summary>Blocked directions per cell (<see cref="MesaLab.Worlds.Walls"/> bits).</summary>
    public byte[] Walls { get; private set; }

    /// <summary>Objects per cell at the start of the episode.</summary>
    public CellObject[] Objects { get; private set; }

    public int Start { get; set; }
    public ulong Seed { get; set; }
    public long Index { get; set; }

    /// <summary>True when this level's proxy and intended goal were placed independently (randomized_fraction).</summary>
    public bool Randomized { get; set; }

    /// <summary>Beacon cells in the intended order of visits (follow-the-leader); <see cref="BeaconCount"/> of them are used.</summary>
    public int[] BeaconOrder { get; private set; } = [];

    /// <summary>The same beacon cells in the order the partner visits them.</summary>
    public int[] PartnerOrder { get; private set; } = [];

    /// <summary>Number of beacons (0 in worlds without them).</summary>
    public int BeaconCount { get; private set; }

    /// <summary>Sets the number of beacons, growing <see cref="BeaconOrder"/> and <see cref="PartnerOrder"/> if needed.</summary>
    public void SetBeaconCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (BeaconOrder.Length < count) { BeaconOrder = new int[count]; PartnerOrder = new int[count]; }
        BeaconCount = count;
    }

    /// <summary>The top-right cell, target of the <c>corner</c> candidate objective.</summary>
    public int Corner => Width - 1;

    /// <summary>Sets the size, closing every wall and clearing every object. Allocates only when growing.</summary>
    public void Reset(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "a level needs at least one cell.");
        int n = width * height;
        if (Walls.Length < n) { Walls = new byte[n]; Objects = new CellObject[n]; }
        Width = width;
        Height = height;
        Walls.AsSpan(0, n).Fill(MesaLab.Worlds.Walls.All);
        Objects.AsSpan(0, n).Clear();
        Start = 0;
        Randomized = false;
        BeaconCount = 0;
    }

    public int X(int cell) => cell % Width;
    public int Y(int cell) => cell / Width;
    public int CellAt(int x, int y) => y * Width + x;

    public bool CanMove(int cell, Move move) => (Walls[cell] & Moves.WallBit[(int)move]) == 0;

    /// <summary>The cell reached by <paramref name="move"/>, or <paramref name="cell"/> itself when a wall blocks it.</summary>
    public int Neighbor(int cell, Move move)
    {
        if (!CanMove(cell, move)) return cell;
        return cell + Moves.Dx[(int)move] + Moves.Dy[(int)move] * Width;
    }

    /// <summary>Removes the wall between two adjacent cells (both sides).</summary>
    public void OpenPassage(int a, Move move)
    {
        int b = a + Moves.Dx[(int)move] + Moves.Dy[(int)move] * Width;
        Walls[a] &= (byte)~Moves.WallBit[(int)move];
        Walls[b] &= (byte)~Moves.WallBit[(int)Moves.Opposite(move)];
    }

    /// <summary>Whether <paramref name="cell"/> is closed on all four sides in a level of more than one cell: it can never be entered (a block).</summary>
    public bool IsEnclosed(int cell) => Walls[cell] == MesaLab.Worlds.Walls.All && CellCount > 1;

    /// <summary>Closes every side of <paramref name="cell"/>, from both sides, making it a block no move can enter.</summary>
    public void Enclose(int cell)
    {
        int x = X(cell), y = Y(cell);
        Walls[cell] = MesaLab.Worlds.Walls.All;
        if (y > 0) Walls[cell - Width] |= MesaLab.Worlds.Walls.Down;
        if (y < Height - 1) Walls[cell + Width] |= MesaLab.Worlds.Walls.Up;
        if (x > 0) Walls[cell - 1] |= MesaLab.Worlds.Walls.Right;
        if (x < Width - 1) Walls[cell + 1] |= MesaLab.Worlds.Walls.Left;
    }

    /// <summary>Opens every wall between cells inside the grid (an open room; the border stays closed).</summary>
    public void OpenAllInterior()
    {
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            int c = CellAt(x, y);
            if (x + 1 < Width) OpenPassage(c, Move.Right);
            if (y + 1 < Height) OpenPassage(c, Move.Down);
        }
    }

    /// <summary>The first cell holding <paramref name="obj"/>, or -1.</summary>
    public int Find(CellObject obj)
    {
        for (int c = 0; c < CellCount; c++) if ((Objects[c] & obj) != 0) return c;
        return -1;
    }

    public int Count(CellObject obj)
    {
        int n = 0;
        for (int c = 0; c < CellCount; c++) if ((Objects[c] & obj) != 0) n++;
        return n;
    }

    /// <summary>Number of open passages (each counted once); a perfect maze has CellCount − 1.</summary>
    public int PassageCount()
    {
        int n = 0;
        for (int c = 0; c < CellCount; c++)
        {
            if (CanMove(c, Move.Right)) n++;
            if (CanMove(c, Move.Down)) n++;
        }
        return n;
    }

    /// <summary>A deep copy sized exactly to the level.</summary>
    public Level Clone()
    {
        var l = new Level(CellCount);
        CopyTo(l);
        return l;
    }

    public void CopyTo(Level target)
    {
        target.Reset(Width, Height);
        Walls.AsSpan(0, CellCount).CopyTo(target.Walls);
        Objects.AsSpan(0, CellCount).CopyTo(target.Objects);
        target.Start = Start;
        target.Seed = Seed;
        target.Index = Index;
        target.Randomized = Randomized;
        target.SetBeaconCount(BeaconCount);
        BeaconOrder.AsSpan(0, BeaconCount).CopyTo(target.BeaconOrder);
        PartnerOrder.AsSpan(0, BeaconCount).CopyTo(target.PartnerOrder);
    }
}
