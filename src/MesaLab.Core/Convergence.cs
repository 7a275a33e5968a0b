namespace MesaLab.Core;

using System.Globalization;

/// <summary>
/// Whether a learner inside an experiment (a PPO maximizer, a probe, behaviour cloning) reached what it was trained
/// for, by a criterion stated in words: the measured <paramref name="Value"/> against the <paramref name="Threshold"/> it
/// had to reach. Results that carry one are marked in plots and reports when <see cref="Converged"/> is false, so a
/// learner that failed never stands in for one that worked.
/// </summary>
/// <param name="Converged">True when the criterion was met.</param>
/// <param name="Criterion">The test in words, e.g. "exact expected proxy ≥ 0.9 × the proxy optimum's".</param>
/// <param name="Value">What was measured.</param>
/// <param name="Threshold">What it had to reach.</param>
public sealed record Convergence(bool Converged, string Criterion, double Value, double Threshold)
{
    /// <summary>For learners solved in closed form (ridge regression): nothing to converge.</summary>
    public static Convergence ClosedForm { get; } = new(true, "solved in closed form", 0, 0);

    /// <summary>
    /// An optimizer's plateau: converged when the training loss fell by at most <paramref name="tolerance"/> of its value
    /// from <paramref name="before"/> to <paramref name="after"/> (the last <paramref name="span"/>, e.g. "10 iterations").
    /// Too little training to tell (a NaN loss) is not converged.
    /// </summary>
    public static Convergence LossPlateau(double before, double after, string span, double tolerance)
    {
        double fall = double.IsFinite(before) && double.IsFinite(after) && before > 0 ? (before - after) / before : double.NaN;
        return new Convergence(fall <= tolerance, $"relative fall of the training loss over the last {span}, at most", fall, tolerance);
    }

    /// <summary>"converged (…)" or "DID NOT CONVERGE (…)", with the value and the threshold.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        if (this == ClosedForm) return "converged (solved in closed form)";
        return Converged
            ? string.Format(inv, "converged ({0}: {1:G4}, needed {2:G4})", Criterion, Value, Threshold)
            : string.Format(inv, "DID NOT CONVERGE ({0}: {1:G4}, needed {2:G4})", Criterion, Value, Threshold);
    }
}
