namespace MesaLab.Worlds.Rendering;

/// <summary>The colours of MesaLab pictures. Colours follow the names: the green arrow is green, lava is orange-red.</summary>
public static class Palette
{
    /// <summary>Open floor of a cell.</summary>
    public static readonly Rgba Floor = new(238, 236, 228);
    /// <summary>Walls, drawn as dark lines on the blocked sides of cells.</summary>
    public static readonly Rgba Wall = new(40, 40, 48);
    /// <summary>The exit (the goal of green-arrow-maze and lava-shift): a purple cell, distinct from every object colour.</summary>
    public static readonly Rgba Exit = new(128, 64, 200);
    /// <summary>The green arrow.</summary>
    public static readonly Rgba Arrow = new(30, 170, 60);
    /// <summary>Cheese: a yellow disc.</summary>
    public static readonly Rgba Cheese = new(250, 220, 40);
    /// <summary>Keys: a gold diamond (darker and more orange than cheese).</summary>
    public static readonly Rgba Key = new(200, 150, 20);
    /// <summary>Chests: a brown box.</summary>
    public static readonly Rgba Chest = new(120, 72, 30);
    /// <summary>Lava: the whole cell orange-red.</summary>
    public static readonly Rgba Lava = new(235, 75, 20);
    /// <summary>Marked cells (flower beds): the whole cell pink.</summary>
    public static readonly Rgba Marked = new(245, 160, 200);
    /// <summary>The agent: a blue disc.</summary>
    public static readonly Rgba Agent = new(30, 90, 220);
    /// <summary>The agent's path: a light-blue polyline through cell centres.</summary>
    public static readonly Rgba Trajectory = new(120, 170, 250);
}
