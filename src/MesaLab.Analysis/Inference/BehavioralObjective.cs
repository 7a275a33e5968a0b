namespace MesaLab.Analysis;

using System.Globalization;
using System.Text.Json.Serialization;

/// <summary>One candidate's share of the behavioral-objective posterior.</summary>
/// <param name="Posterior">Posterior probability with a 95 % bootstrap interval over episodes.</param>
/// <param name="LogMarginalLikelihood">log p(actions | candidate), β integrated out under its prior (uniform in ln β).</param>
/// <param name="Beta">Maximum-likelihood rationality for this candidate with its profile-likelihood 95 % interval.</param>
public sealed record CandidatePosterior(string Candidate, Estimate Posterior, double LogMarginalLikelihood, Estimate Beta);

/// <summary>Log-likelihood of one episode's actions under every candidate and β, and under the random policy.</summary>
/// <param name="LogLikelihood">[candidate, β index] on the β grid (the knots of <see cref="InferenceSettings.BetaGrid"/>).</param>
/// <param name="AnyCell">Per β: ln p(actions | the episode pursues one cell of the level, each cell equally likely a priori); null unless "any cell" goals are on.</param>
/// <param name="AnyCellCompetence">Per β: the probability, under the "any cell" posterior over cells, that the cell pursued was reached competently.</param>
public sealed record EpisodeLikelihoods(double[,] LogLikelihood, double RandomLogLikelihood, int Steps, double[]? AnyCell = null, double[]? AnyCellCompetence = null);

/// <summary>
/// The objective that best explains what an agent did, inferred from its trajectories by inverse RL: a posterior
/// over the world's candidate objectives with a rationality estimate, or "no coherent objective" when the best
/// candidate explains the actions no better than a uniformly random policy.
/// </summary>
public sealed record BehavioralObjective
{
    /// <summary>The best candidate when the actions are coherent, else null.</summary>
    public string? Objective { get; init; }

    /// <summary>The best candidate by posterior, coherent or not.</summary>
    public required string Best { get; init; }

    public bool Coherent { get; init; }

    /// <summary>Candidates (the best included) that the episodes cannot tell apart, e.g. exit and arrow on green-arrow train levels.</summary>
    public IReadOnlyList<string> Indistinguishable { get; init; } = [];

    public required IReadOnlyList<CandidatePosterior> Candidates { get; init; }

    /// <summary>Posterior of the best candidate.</summary>
    public Estimate Posterior { get; init; }

    /// <summary>Rationality of the best candidate: maximum likelihood with profile 95 % interval.</summary>
    public Estimate Beta { get; init; }

    /// <summary>ln p(actions | best candidate) − ln p(actions | random policy).</summary>
    public double LogBayesFactorVsRandom { get; init; }

    public int Episodes { get; init; }
    public int Steps { get; init; }

    /// <summary>The β grid (spline knots) the per-episode likelihoods were evaluated on.</summary>
    public required double[] BetaGrid { get; init; }

    /// <summary>Per-episode likelihood tables (kept for bootstrap in the robustness decomposition; not serialized).</summary>
    [JsonIgnore] public IReadOnlyList<EpisodeLikelihoods> PerEpisode { get; init; } = [];

    /// <summary>One line: <c>behavioral objective = arrow (posterior 0.98 [0.95, 1.00], β = 3.1 [2.4, 3.9])</c>.</summary>
    public string Summary
    {
        get
        {
            var inv = CultureInfo.InvariantCulture;
            if (!Coherent)
                return string.Create(inv, $"no coherent objective (best candidate {Best} explains the actions no better than a random policy: ln Bayes factor {LogBayesFactorVsRandom:0.0})");
            if (Indistinguishable.Count > 1)
                return $"behavioral objective indistinguishable on this split: {string.Join(" ≈ ", Indistinguishable)} (posterior {string.Join(" / ", Indistinguishable.Select(c => Candidates.First(p => p.Candidate == c).Posterior.Value.ToString("0.00", inv)))}, β = {Beta.Format("0.0")})";
            string weak = BetaGrid.Length > 1 && Beta.Value <= BetaGrid[0] * (1 + 1e-6)
                ? "; β at the lowest grid value: one objective explains the actions only weakly — a mix of objectives across episodes? see the mixture"
                : "";
            return $"behavioral objective = {Objective} (posterior {Posterior.Format()}, β = {Beta.Format("0.0")}{weak})";
        }
    }
}
