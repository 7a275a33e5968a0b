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
    /// <summary>The dish: a light plate with a darker rim, drawn under the cheese.</summary>
    public static readonly Rgba Dish = new(214, 218, 228);
    public static readonly Rgba DishRim = new(140, 150, 168);
    /// <summary>A beacon not yet activated: a dim teal pad.</summary>
    public static readonly Rgba Beacon = new(40, 130, 140);
    /// <summary>The beacon to activate next: a bright cyan pad (drawn even where the agent's observation hides it).</summary>
    public static readonly Rgba NextBeacon = new(70, 230, 240);
    /// <summary>The partner of follow-the-leader: a magenta disc, larger than the agent's so both show on one cell.</summary>
    public static readonly Rgba Partner = new(210, 40, 160);
    /// <summary>An apple: a red disc.</summary>
    public static readonly Rgba Apple = new(210, 30, 40);
    /// <summary>A shield: a steel-grey shield shape.</summary>
    public static readonly Rgba Shield = new(120, 140, 160);
    /// <summary>A monster: a violet triangle.</summary>
    public static readonly Rgba Monster = new(100, 40, 140);
    /// <summary>The agent: a blue disc.</summary>
    public static readonly Rgba Agent = new(30, 90, 220);
    /// <summary>The agent's path: a light-blue polyline through cell centres.</summary>
    public static readonly Rgba Trajectory = new(120, 170, 250);
}
