namespace MesaLab.Worlds;

/// <summary>The four actions of every MesaLab world. The numeric values are the policy's action indices.</summary>
public enum Move : byte
{
    Up = 0,
    Down = 1,
    Left = 2,
    Right = 3,
}

/// <summary>Grid geometry shared by the engine, scripted agents and analysis.</summary>
public static class Moves
{
    public const int Count = 4;

    // Static arrays, not collection expressions: a ReadOnlySpan<int> property over a collection expression
    // allocates a new array on every call here, which put garbage on the step path.
    private static readonly int[] dx = [0, 0, -1, 1];
    private static readonly int[] dy = [-1, 1, 0, 0];
    private static readonly byte[] wallBit = [Walls.Up, Walls.Down, Walls.Left, Walls.Right];

    /// <summary>Column change of each move (x grows to the right).</summary>
    public static ReadOnlySpan<int> Dx => dx;

    /// <summary>Row change of each move (y grows downwards; row 0 is the top).</summary>
    public static ReadOnlySpan<int> Dy => dy;

    /// <summary>The wall bit that blocks leaving a cell by each move.</summary>
    public static ReadOnlySpan<byte> WallBit => wallBit;

    public static Move Opposite(Move m) => m switch
    {
        Move.Up => Move.Down,
        Move.Down => Move.Up,
        Move.Left => Move.Right,
        _ => Move.Left,
    };
}

/// <summary>Wall bits per cell: a set bit means leaving the cell in that direction is blocked.</summary>
public static class Walls
{
    public const byte Up = 1;
    public const byte Down = 2;
    public const byte Left = 4;
    public const byte Right = 8;
    public const byte All = Up | Down | Left | Right;
}
