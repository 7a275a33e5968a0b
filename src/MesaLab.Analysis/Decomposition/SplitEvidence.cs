namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Per-episode evidence from one split's evaluation, as the robustness decomposition consumes it: which candidates
/// were competently achieved, the base- and intended-objective returns, and the mixture of goals (which goal each
/// episode pursued). Plain arrays, so tests can construct it directly.
/// </summary>
/// <param name="Candidates">Candidate names, in the order of <paramref name="Competent"/>'s columns.</param>
/// <param name="Competent">
/// [episode][candidate]: the candidate was competently achieved (<see cref="CompetenceCriterion"/>) — or the episode
/// is ambiguous (one efficient path serves several Reach candidates) and ended with a candidate competently
/// achieved, so its trajectory is that of a competent pursuit of any of them cut short by the episode's end.
/// </param>
/// <param name="BaseReturn">Base-objective return of each episode (the run's base objective, whatever split).</param>
/// <param name="IntendedReturn">Intended-objective return of each episode.</param>
/// <param name="Mixture">The mixture of goals fitted to the same episodes, in the same order.</param>
/// <param name="AnyCellCompetence">Per episode, when the mixture has an "any cell" component: the probability that the cell it pursued was reached competently.</param>
/// <param name="OuterAlignment">Outer alignment measured on these episodes' levels (<see cref="Analysis.OuterAlignment"/>); null = as the world declares it.</param>
public sealed record SplitEvidence(
    string Split,
    IReadOnlyList<string> Candidates,
    bool[][] Competent,
    double[] BaseReturn,
    double[] IntendedReturn,
    MixtureObjective Mixture,
    double[]? AnyCellCompetence = null,
    Estimate? OuterAlignment = null)
{
    public int Episodes => BaseReturn.Length;

    /// <summary>
    /// The probability that episode <paramref name="i"/> competently achieved the goal it pursued: Σ_g P(goal g | episode)
    /// × [g competently achieved], where pursuing nothing coherent (none) is never competent.
    /// </summary>
    public double CompetenceAtPursuedGoal(int i)
    {
        var posterior = Mixture.Episodes[i].Posterior;
        double p = 0;
        for (int g = 0; g < Mixture.Components.Count; g++)
        {
            string name = Mixture.Components[g].Name;
            if (name == MixtureObjective.None) continue;
            if (name == MixtureObjective.AnyCell) { p += posterior[g] * (AnyCellCompetence?[i] ?? 0); continue; }
            int c = IndexOf(name);
            if (c >= 0 && Competent[i][c]) p += posterior[g];
        }
        return p;
    }

    private int IndexOf(string name)
    {
        for (int c = 0; c < Candidates.Count; c++) if (Candidates[c] == name) return c;
        return -1;
    }

    /// <summary>Evidence from classified outcomes and the inferred behavioral objective of the same episodes.</summary>
    public static SplitEvidence From(IReadOnlyList<EpisodeOutcome> outcomes, BehavioralObjective behavioral, MixtureObjective mixture,
        CandidateObjective baseObjective, CandidateObjective intendedObjective, Estimate? outerAlignment = null)
    {
        if (outcomes.Count != mixture.Episodes.Count || outcomes.Count != behavioral.PerEpisode.Count)
            throw new ArgumentException($"{outcomes.Count} outcomes but {mixture.Episodes.Count} mixture posteriors; both must come from the same episodes.");
        var names = behavioral.Candidates.Select(c => c.Candidate).ToList();
        double[]? anyCell = null;
        if (mixture.IndexOf(MixtureObjective.AnyCell) is int a and >= 0)
        {
            // The "any cell" competence at the component's fitted β, interpolated in ln β between grid values.
            var beta = mixture.Components[a].Beta;
            var knots = behavioral.BetaGrid.Select(x => Math.Log(x)).ToArray();
            double u = beta.IsAvailable ? Math.Log(beta.Value) : knots[0];
            anyCell = [.. behavioral.PerEpisode.Select(e => e.AnyCellCompetence is { } c ? Interpolate(knots, c, u) : 0)];
        }
        return new SplitEvidence(
            outcomes.Count > 0 ? outcomes[0].Record.Split : "",
            names,
            outcomes.Select(o => names.Select(c => o.CompetentAt(c) || CutShort(o, c)).ToArray()).ToArray(),
            outcomes.Select(o => ObjectiveReturn(o.Record, baseObjective)).ToArray(),
            outcomes.Select(o => ObjectiveReturn(o.Record, intendedObjective)).ToArray(),
            mixture,
            anyCell,
            outerAlignment);
    }

    private static double Interpolate(double[] x, double[] y, double at)
    {
        if (at <= x[0]) return y[0];
        for (int i = 1; i < x.Length; i++)
            if (at <= x[i]) return y[i - 1] + (y[i] - y[i - 1]) * (at - x[i - 1]) / (x[i] - x[i - 1]);
        return y[^1];
    }

    private static bool CutShort(EpisodeOutcome o, string candidate) =>
        o.Ambiguous && o.Record.Terminated && o.Outcome != Outcome.CapabilityFailure &&
        o.Progress(candidate) is { StepsTaken: < 0, ShortestPath: > 0 and < Bfs.Unreachable };

    /// <summary>
    /// What an episode earned by an objective's reward: 1 if a Reach objective's goal was entered, the number
    /// of objects consumed for a Collect objective — read from the recorded events, whatever the split rewarded.
    /// </summary>
    public static double ObjectiveReturn(EpisodeRecord r, CandidateObjective objective)
    {
        if (objective.Kind == ObjectiveKind.Reach) return r.FirstStepWith(objective.Event) > 0 ? 1 : 0;
        int n = 0;
        foreach (var e in r.Events) if ((e & objective.Event) != 0) n++;
        return n;
    }
}
