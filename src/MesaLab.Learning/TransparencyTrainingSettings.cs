namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>
/// Training with transparency (YAML section <c>transparency:</c>): an optional auxiliary loss from a linear probe
/// on one layer of the network, trained jointly with PPO. <c>aux</c> is the one switch; the other fields only
/// matter when it is not <c>none</c>. See docs/transparency.md.
/// </summary>
[ConfigSection("transparency")]
public sealed record TransparencyTrainingSettings : ICheckedSettings
{
    public const string None = "none";
    public const string IntendedGoal = "intended_goal";
    public const string PenalizeProxy = "penalize_proxy";
    public const string ImitateIntended = "imitate_intended";
    public static readonly IReadOnlyList<string> Modes = [None, IntendedGoal, PenalizeProxy, ImitateIntended];

    /// <summary>
    /// <c>none</c>: plain PPO (bit-for-bit the same run as without this section).
    /// <c>intended_goal</c>: a probe head decodes the direction to the intended objective's goal from <c>layer</c>; its
    /// loss is added to PPO's, so the network is rewarded for a decodable representation of the intended goal.
    /// <c>penalize_proxy</c>: an adversarial probe head learns to decode the direction to the proxy (the other
    /// single-cell candidate goal); the network gets its loss with the gradient reversed, so it is penalized for
    /// representing the proxy linearly at <c>layer</c>.
    /// <c>imitate_intended</c>: the control of <c>intended_goal</c> without transparency — the same labels (the first move
    /// towards the intended goal, on the same observations) taught through the policy head by behaviour cloning, with the
    /// same weight; no probe reads <c>layer</c>.
    /// </summary>
    public string Aux { get; init; } = None;

    /// <summary>Weight of the auxiliary term in the loss (multiplies the probe's cross-entropy).</summary>
    [Range(0.0, 1000.0)] public double Weight { get; init; } = 0.1;

    /// <summary>The named activation the probe reads (see <c>mesalab probe</c> for the names), e.g. <c>body.features</c>.</summary>
    public string Layer { get; init; } = "body.features";

    /// <summary>
    /// Show the probe each rollout observation with the proxy moved to a random other cell (the intended goal, walls and
    /// agent unchanged). On the green-arrow training split the arrow sits on the exit, so without this the labels of the
    /// intended goal and the proxy are the same on every training state and no probe can tell them apart. The moved
    /// observations carry no reward: they only feed the probe loss. Must be false on keys and chests, where the proxy (keys)
    /// is instrumental to the intended objective, so moving it would change the intended route.
    /// </summary>
    public bool CounterfactualProxy { get; init; } = true;

    /// <summary>Adam step size of the probe head (it has its own optimizer, so PPO's is untouched).</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)] public double ProbeLearningRate { get; init; } = 1e-3;

    public bool Enabled => Aux != None;

    /// <summary>Throws <see cref="UserError"/> naming the first bad field.</summary>
    public void Validate(string where)
    {
        foreach (var (field, problem) in Ranges.AllProblems(this)) throw new UserError($"{where}: transparency.{field} {problem}.");
    }

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (!Modes.Contains(Aux)) yield return ("aux", $"is '{Aux}', but it must be one of {string.Join(", ", Modes)}");
        if (string.IsNullOrWhiteSpace(Layer)) yield return ("layer", "is empty; name a layer such as body.features");
    }
}
