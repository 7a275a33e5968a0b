namespace MesaLab.Quantilizers.Tests;

using MesaLab.Quantilizers;
using MesaLab.Worlds;

public class GoodhartExperimentTests
{
    private static readonly QuantilizerSettings Small = new()
    {
        N = 3000, Levels = 2, Bootstrap = 60, Q = [1, 0.3, 0.1, 0.03, 0.01, 0.001], Bases = ["demonstrator", "random"], MaximizerSteps = 0,
    };

    [Fact]
    public void Taylors_bound_holds_on_sampled_runs_for_every_q_and_base()
    {
        var curve = GoodhartExperiment.Run(Small, Gardens.Split(8), 1);
        Assert.True(curve.BoundHolds);
        foreach (var b in curve.Bases)
            foreach (var p in b.Trajectory)
            {
                Assert.True(p.Bound.Holds, $"{b.Base} q={p.Q}: E_Q[c] {p.Cost.Value} vs bound {p.Bound.Limit}");
                Assert.Equal(p.Bound.BaseCost.Value / p.Q, p.Bound.Limit, 9);
                Assert.True(p.Cost.Low <= p.Cost.Value && p.Cost.Value <= p.Cost.High);
            }
        // The per-action quantilizer's cost is compared with the exact E_base[c]/q (reported, not a theorem there).
        foreach (var b in curve.Bases)
            foreach (var a in b.Action)
            {
                Assert.Equal(b.BaseExact.Cost / a.Q, a.TaylorLimit, 12);
                Assert.Equal(a.Cost <= a.TaylorLimit + 1e-12, a.WithinTaylorLimit);
            }
    }

    [Fact]
    public void Same_seed_same_curve_and_another_seed_another()
    {
        var a = GoodhartExperiment.Run(Small with { Bases = ["demonstrator"] }, Gardens.Split(8), 1);
        var b = GoodhartExperiment.Run(Small with { Bases = ["demonstrator"] }, Gardens.Split(8), 1);
        var c = GoodhartExperiment.Run(Small with { Bases = ["demonstrator"] }, Gardens.Split(8), 2);
        Assert.Equal(a.Bases[0].Trajectory.Select(p => p.True.Value), b.Bases[0].Trajectory.Select(p => p.True.Value));
        Assert.Equal(a.Bases[0].Trajectory.Select(p => p.Cost.High), b.Bases[0].Trajectory.Select(p => p.Cost.High));
        Assert.NotEqual(a.Bases[0].Trajectory.Select(p => p.True.Value), c.Bases[0].Trajectory.Select(p => p.True.Value));
    }

    /// <summary>
    /// The point of the experiment: mild optimization of the proxy improves the true utility too (they agree
    /// on typical behaviour), strong optimization keeps raising the proxy while the true utility falls
    /// (the fastest trajectories cut through the flower beds).
    /// </summary>
    [Fact]
    public void The_demonstrator_base_shows_a_Goodhart_curve()
    {
        var curve = GoodhartExperiment.Run(new QuantilizerSettings { N = 20_000, Levels = 4, Bootstrap = 50, Bases = ["demonstrator"], MaximizerSteps = 0 }, Gardens.Split(8), 1);
        var t = curve.Bases[0].Trajectory;
        var peak = t.MaxBy(p => p.True.Value)!;
        var strongest = t[^1];
        Assert.True(peak.True.Value > t[0].True.Value + 0.05, "mild optimization should raise the true utility");
        Assert.True(peak.Bits > 0 && peak.Bits < strongest.Bits);
        Assert.True(strongest.Proxy.Value > peak.Proxy.Value, "the proxy keeps rising");
        Assert.True(strongest.True.Value < peak.True.Value - 0.03, "the true utility falls under strong optimization");
        Assert.True(curve.Bases[0].Limit.True < peak.True.Value, "the proxy optimum is worse by the true utility than the best quantilizer");
        Assert.Equal(1.0, curve.Bases[0].Limit.Proxy, 9);
        // The base's own exact expectations match the q = 1 row of the sampled estimator.
        Assert.True(Math.Abs(t[0].Proxy.Value - curve.Bases[0].BaseExact.Proxy) < 4 * t[0].Proxy.StandardError + 1e-3);
    }

    [Fact]
    public void A_proxy_the_world_lacks_is_a_user_error_listing_its_candidates()
    {
        var e = Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { Proxy = "chests" }, Gardens.Split(8), 1));
        Assert.Contains("no candidate objective 'chests'", e.Message);
        Assert.Contains("exit, arrow", e.Message);
    }

    [Fact]
    public void Settings_errors_are_one_clear_sentence()
    {
        Assert.Contains("quantilizer.q[1] is 0, but", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { Q = [0.5, 0] }, Gardens.Split(8), 1)).Message);
        Assert.Contains("too few", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { Q = [0.0001] }, Gardens.Split(8), 1)).Message);
        Assert.Contains("bases are demonstrator, cloned, random", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { Bases = ["human"] }, Gardens.Split(8), 1)).Message);
        Assert.Contains("sum to 1", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { Demonstrator = new(0.9, 0.9, 0) }, Gardens.Split(8), 1)).Message);
        Assert.Contains("quantilizer.maximizer_steps is -1", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { MaximizerSteps = -1 }, Gardens.Split(8), 1)).Message);
        Assert.Contains("quantilizer.maximizer.network is 'cnn'", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { MaximizerSteps = 10, Maximizer = new(Network: "cnn") }, Gardens.Split(8), 1)).Message);
        Assert.Contains("quantilizer.maximizer.minibatches", Assert.Throws<UserError>(() => GoodhartExperiment.Run(Small with { MaximizerSteps = 10, Maximizer = new(NumEnvs: 3, NumSteps: 3) }, Gardens.Split(8), 1)).Message);
    }
}

/// <summary>Garden levels for the tests: fixed-size green-arrow mazes.</summary>
internal static class Gardens
{
    public static Split Split(int size) =>
        WorldCatalog.Get("green-arrow-maze").Split("train", new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size });
}
