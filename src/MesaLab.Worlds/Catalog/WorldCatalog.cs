namespace MesaLab.Worlds;

/// <summary>Every registered world, by name.</summary>
public static class WorldCatalog
{
    private static readonly List<World> worlds =
    [
        new GreenArrowMaze(), new KeysAndChests(), new CheeseCornerMaze(), new LavaShift(),
        new CheeseOnADish(), new FollowTheLeader(), new LavaLand(), new MonsterWorld(),
    ];

    public static IReadOnlyList<World> All => worlds;

    public static World Get(string name) =>
        worlds.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)) ??
        throw new UserError($"unknown world '{name}'; the worlds are {string.Join(", ", worlds.Select(w => w.Name))}.");
}
