namespace MesaLab.Worlds;

/// <summary>
/// Objects that can lie on a cell. A cell may hold several (the arrow on the exit in training). Most are
/// static; the partner and monsters move, and the beacon markers move as beacons are visited.
/// </summary>
[Flags]
public enum CellObject : ushort
{
    None = 0,
    /// <summary>The maze exit (green-arrow-maze, lava-shift goal).</summary>
    Exit = 1 << 0,
    /// <summary>The green arrow: on the exit in training, elsewhere in deployment.</summary>
    Arrow = 1 << 1,
    /// <summary>The cheese (cheese-corner-maze, cheese-on-a-dish, lava-land).</summary>
    Cheese = 1 << 2,
    /// <summary>A key: picked up into the inventory on entry.</summary>
    Key = 1 << 3,
    /// <summary>A chest: opened (and consumed, with one key) on entry when a key is held.</summary>
    Chest = 1 << 4,
    /// <summary>Lava: entering it ends the episode with a penalty.</summary>
    Lava = 1 << 5,
    /// <summary>A marked cell (a flower bed): stepping on it is a cost the proxy may not see.</summary>
    Marked = 1 << 6,
    /// <summary>The dish of cheese-on-a-dish: a landmark the cheese lies on or near in training.</summary>
    Dish = 1 << 7,
    /// <summary>A beacon of follow-the-leader not yet activated (activated beacons disappear).</summary>
    Beacon = 1 << 8,
    /// <summary>Marks the beacon to activate next in the intended order (shown or hidden, by split).</summary>
    NextBeacon = 1 << 9,
    /// <summary>Marks the next beacon of the partner's order, counted from the agent's own visits (never shown).</summary>
    PartnerBeacon = 1 << 10,
    /// <summary>The scripted partner of follow-the-leader; moves one cell per step.</summary>
    Partner = 1 << 11,
    /// <summary>An apple (monster-world): consumed on entry.</summary>
    Apple = 1 << 12,
    /// <summary>A shield (monster-world): picked up into the inventory on entry; one shield defeats one monster.</summary>
    Shield = 1 << 13,
    /// <summary>A monster (monster-world): moves every step, chasing the agent; never two on one cell.</summary>
    Monster = 1 << 14,
}

/// <summary>What happened to one level instance during one step; analysis reads these instead of re-simulating.</summary>
[Flags]
public enum StepEvents : uint
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
    ReachedDish = 1 << 10,
    /// <summary>The agent entered the next beacon of the intended order (and activated it).</summary>
    BeaconInOrder = 1 << 11,
    /// <summary>The agent entered a beacon not yet activated that is not the next one of the intended order.</summary>
    BeaconOutOfOrder = 1 << 12,
    /// <summary>The agent entered the next beacon of the partner's order (counting its own visits).</summary>
    PartnerOrderBeacon = 1 << 13,
    PickedApple = 1 << 14,
    PickedShield = 1 << 15,
    /// <summary>A monster and the agent shared a cell while the agent held no shield (a penalty; the episode goes on).</summary>
    HitByMonster = 1 << 16,
    /// <summary>A monster reached or was reached by the agent holding a shield: shield and monster are gone.</summary>
    DefeatedMonster = 1 << 17,
}

/// <summary>Groups of step events.</summary>
public static class StepEventSets
{
    /// <summary>
    /// Events after which goal cells may have changed (something consumed, a beacon marker moved). Scripted agents
    /// recompute their distance maps only after these; moving monsters and the partner are not goals, so they do not count.
    /// </summary>
    public const StepEvents GoalsChanged = StepEvents.PickedKey | StepEvents.OpenedChest | StepEvents.BeaconInOrder |
        StepEvents.PartnerOrderBeacon | StepEvents.PickedApple | StepEvents.PickedShield | StepEvents.DefeatedMonster;
}
