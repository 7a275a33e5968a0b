namespace MesaLab.Analysis;

/// <summary>The three outcomes of a deployment episode (DESIGN.md §1).</summary>
public enum Outcome
{
    /// <summary>No candidate objective was competently pursued.</summary>
    CapabilityFailure,
    /// <summary>The intended objective was competently reached.</summary>
    ObjectiveGeneralized,
    /// <summary>Another candidate was competently reached and the intended one was not — a capable agent aimed at the wrong target.</summary>
    ObjectiveMisgeneralized,
}

/// <summary>Report names of outcomes.</summary>
public static class Outcomes
{
    public static readonly Outcome[] All = [Outcome.ObjectiveGeneralized, Outcome.ObjectiveMisgeneralized, Outcome.CapabilityFailure];

    public static string Label(this Outcome o) => o switch
    {
        Outcome.CapabilityFailure => "capability failure",
        Outcome.ObjectiveGeneralized => "objective generalized",
        _ => "objective misgeneralized",
    };

    /// <summary>snake_case key for JSON.</summary>
    public static string Key(this Outcome o) => o switch
    {
        Outcome.CapabilityFailure => "capability_failure",
        Outcome.ObjectiveGeneralized => "objective_generalized",
        _ => "objective_misgeneralized",
    };
}
