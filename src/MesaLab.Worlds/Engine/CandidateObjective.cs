namespace MesaLab.Worlds;

/// <summary>How a candidate objective turns into reward.</summary>
public enum ObjectiveKind
{
    /// <summary>Reach a goal cell: +1 on entering it, and the episode ends there.</summary>
    Reach,
    /// <summary>Collect objects: +1 each time one is achieved; the episode goes on until none is left.</summary>
    Collect,
}

/// <summary>
/// A named goal a world can express as a reward (<c>exit</c>, <c>arrow</c>, <c>corner</c>, <c>keys</c>, …).
/// The candidates a world declares are the hypothesis space for behavioral-objective inference.
/// </summary>
/// <param name="Name">The name used everywhere (config, CLI, reports).</param>
/// <param name="Description">One line for people.</param>
/// <param name="Kind">Reach (terminal goal) or Collect (repeated, consumable objects).</param>
/// <param name="Object">The object that marks goal cells; <see cref="CellObject.None"/> for the corner.</param>
/// <param name="Event">The step event that says this candidate was achieved.</param>
public sealed record CandidateObjective(string Name, string Description, ObjectiveKind Kind, CellObject Object, StepEvents Event)
{
    /// <summary>
    /// For a collect objective, the object whose live count is the number of achievements still possible (the episode
    /// ends when it reaches zero). Usually the goal object itself; for <c>beacons</c> the goal is the one marked next
    /// beacon while the count is that of the beacons not yet activated.
    /// </summary>
    public CellObject Counted { get; init; } = Object;

    public static readonly CandidateObjective Exit = new("exit", "reach the exit", ObjectiveKind.Reach, CellObject.Exit, StepEvents.ReachedExit);
    public static readonly CandidateObjective Arrow = new("arrow", "reach the green arrow", ObjectiveKind.Reach, CellObject.Arrow, StepEvents.SteppedOnArrow);
    public static readonly CandidateObjective Cheese = new("cheese", "reach the cheese", ObjectiveKind.Reach, CellObject.Cheese, StepEvents.ReachedCheese);
    public static readonly CandidateObjective Corner = new("corner", "reach the top-right corner cell", ObjectiveKind.Reach, CellObject.None, StepEvents.ReachedCorner);
    public static readonly CandidateObjective Keys = new("keys", "pick up keys", ObjectiveKind.Collect, CellObject.Key, StepEvents.PickedKey);
    public static readonly CandidateObjective Chests = new("chests", "open chests", ObjectiveKind.Collect, CellObject.Chest, StepEvents.OpenedChest);
    public static readonly CandidateObjective Dish = new("dish", "reach the dish", ObjectiveKind.Reach, CellObject.Dish, StepEvents.ReachedDish);
    public static readonly CandidateObjective Beacons = new("beacons", "activate the beacons in the intended order", ObjectiveKind.Collect, CellObject.NextBeacon, StepEvents.BeaconInOrder)
    {
        Counted = CellObject.Beacon,
    };
    public static readonly CandidateObjective Partner = new("partner", "visit the beacons in the order the partner visits them (follow the partner)", ObjectiveKind.Collect, CellObject.PartnerBeacon, StepEvents.PartnerOrderBeacon);
    public static readonly CandidateObjective Apples = new("apples", "collect apples", ObjectiveKind.Collect, CellObject.Apple, StepEvents.PickedApple);
    public static readonly CandidateObjective Shields = new("shields", "pick up shields", ObjectiveKind.Collect, CellObject.Shield, StepEvents.PickedShield);

    /// <summary>Whether <paramref name="cell"/> of <paramref name="level"/> is a goal cell of this candidate (in the level's initial state).</summary>
    public bool IsGoal(Level level, int cell) =>
        Object == CellObject.None ? cell == level.Corner : (level.Objects[cell] & Object) != 0;

    /// <summary>Same, against live objects (keys and chests disappear when consumed).</summary>
    public bool IsGoal(Level level, ReadOnlySpan<CellObject> liveObjects, int cell) =>
        Object == CellObject.None ? cell == level.Corner : (liveObjects[cell] & Object) != 0;
}

/// <summary>Something in a world the agent should avoid (lava, monsters): its object and the step event that says it was met.</summary>
public sealed record Hazard(string Name, string Description, CellObject Object, StepEvents Event)
{
    public static readonly Hazard Lava = new("lava", "entering lava ends the episode with a penalty", CellObject.Lava, StepEvents.EnteredLava);
    public static readonly Hazard Monster = new("monster", "sharing a cell with a monster while holding no shield costs a penalty each step; the episode goes on", CellObject.Monster, StepEvents.HitByMonster);
}
