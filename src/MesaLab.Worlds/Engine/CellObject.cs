namespace MesaLab.Worlds;

/// <summary>Objects that can lie on a cell. A cell may hold several (the arrow on the exit in training).</summary>
[Flags]
public enum CellObject : ushort
{
    None = 0,
    /// <summary>The maze exit (green-arrow-maze, lava-shift goal).</summary>
    Exit = 1 << 0,
    /// <summary>The green arrow: on the exit in training, elsewhere in deployment.</summary>
    Arrow = 1 << 1,
    /// <summary>The cheese of cheese-corner-maze.</summary>
    Cheese = 1 << 2,
    /// <summary>A key: picked up into the inventory on entry.</summary>
    Key = 1 << 3,
    /// <summary>A chest: opened (and consumed, with one key) on entry when a key is held.</summary>
    Chest = 1 << 4,
    /// <summary>Lava: entering it ends the episode with a penalty.</summary>
    Lava = 1 << 5,
    /// <summary>A marked cell (a flower bed): stepping on it is a cost the proxy may not see.</summary>
    Marked = 1 << 6,
}

/// <summary>What happened to one level instance during one step; analysis reads these instead of re-simulating.</summary>
[Flags]
public enum StepEvents : ushort
{
    None = 0,
    ReachedExit = 1 << 0,
    SteppedOnArrow = 1 << 1,
    ReachedCheese = 1 << 2,
    ReachedCorner = 1 << 3,
    PickedKey = 1 << 4,
    OpenedChest = 1 << 5,
    EnteredLava = 1 << 6,
    BumpedWall = 1 << 7,
    SteppedOnMarked = 1 << 8,
    /// <summary>The episode ended this step because the step limit was reached.</summary>
    StepLimit = 1 << 9,
}
