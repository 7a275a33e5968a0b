namespace MesaLab.Worlds;

/// <summary>
/// The numbers a split sets for the engine's rules (<see cref="World.Rules"/>): what penalized events cost, how
/// monsters move and how far the partner walks ahead. Read once when a <see cref="WorldBatch"/> is made.
/// </summary>
public sealed record WorldRules
{
    /// <summary>Subtracted on entering lava (the episode ends there).</summary>
    public float LavaPenalty { get; init; } = 1f;

    /// <summary>Subtracted on each step on which a monster shares the agent's cell and the agent holds no shield.</summary>
    public float MonsterPenalty { get; init; } = 1f;

    /// <summary>Subtracted on entering a beacon out of the intended order.</summary>
    public float WrongBeaconPenalty { get; init; }

    /// <summary>Probability that a monster steps towards the agent (along a shortest path) rather than in a random direction.</summary>
    public double MonsterChase { get; init; } = 0.5;

    /// <summary>Steps the partner takes along its route when an episode starts, before the agent's first move.</summary>
    public int PartnerLead { get; init; }

    /// <summary>The total penalty of one step's events.</summary>
    public float Penalty(StepEvents events) =>
        ((events & StepEvents.EnteredLava) != 0 ? LavaPenalty : 0f) +
        ((events & StepEvents.HitByMonster) != 0 ? MonsterPenalty : 0f) +
        ((events & StepEvents.BeaconOutOfOrder) != 0 ? WrongBeaconPenalty : 0f);
}
