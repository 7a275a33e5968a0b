using MesaLab.Worlds;

namespace MesaLab.Analysis;

using MesaLab.Worlds.Recording;

/// <summary>How one candidate fared in one episode.</summary>
/// <param name="ShortestPath">Fewest moves from the start to achieve it (<see cref="Bfs.Unreachable"/> if impossible).</param>
/// <param name="StepsTaken">Steps until the agent first achieved it, or -1.</param>
/// <param name="Competent">Achieved within the <see cref="CompetenceCriterion"/> budget; for a Collect candidate, every
/// object of the sequence it collected was reached within the budget of its own shortest path from the previous one.</param>
public sealed record CandidateProgress(string Candidate, int ShortestPath, int StepsTaken, bool Competent);

/// <summary>The classified outcome of one recorded episode.</summary>
/// <param name="Pursued">The candidate competently reached (the intended one if generalized), or null on a capability failure.</param>
/// <param name="LevelSide">The level's longer side, in cells.</param>
/// <param name="IntendedShortestPath">Shortest-path length to the intended objective (a difficulty measure).</param>
/// <param name="Ambiguous">The intended goal lies on the shortest path to another candidate's goal or the reverse, so one efficient trajectory serves both: this episode cannot tell them apart.</param>
/// <param name="Detour">The intended objective was achieved, but the agent first achieved another candidate off every shortest path to it (or collected more of another candidate than the way needs): it visited the proxy on the way.</param>
/// <param name="Hazard">The hazard entered during the episode (<c>lava</c>), or null.</param>
/// <param name="FailureReason">For a capability failure, why: <c>entered lava</c>, <c>reached exit too slowly</c>, <c>step limit without reaching a candidate</c>, …; null otherwise.</param>
public sealed record EpisodeOutcome(
    EpisodeRecord Record,
    Outcome Outcome,
    string? Pursued,
    IReadOnlyList<CandidateProgress> Candidates,
    int LevelSide,
    int IntendedShortestPath,
    bool Ambiguous,
    bool Detour = false,
    string? Hazard = null,
    string? FailureReason = null)
{
    public CandidateProgress? Progress(string candidate) =>
        Candidates.FirstOrDefault(c => string.Equals(c.Candidate, candidate, StringComparison.OrdinalIgnoreCase));

    public bool CompetentAt(string candidate) => Progress(candidate)?.Competent ?? false;
}
