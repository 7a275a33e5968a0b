namespace MesaLab.Experiments;

using System.Reflection;
using MesaLab.Learning;
using MesaLab.Quantilizers;
using MesaLab.Transparency;

/// <summary>
/// Every section an experiment file may have, listed once: each settings record names its section with
/// <see cref="ConfigSectionAttribute"/> and is the single home of that section's defaults. A new kind of experiment
/// adds its settings record here.
/// </summary>
public static class ExperimentSections
{
    /// <summary>The section types, in the order <c>config show</c> and docs/configuration.md list them.</summary>
    public static readonly IReadOnlyList<Type> Types =
    [
        typeof(PpoSettings),
        typeof(NetworkSettings),
        typeof(TrainingSettings),
        typeof(TransparencyTrainingSettings),
        typeof(CurriculumSettings),
        typeof(SignalSettings),
        typeof(EvaluationSettings),
        typeof(SweepSettings),
        typeof(StudySettings),
        typeof(ProposalsSettings),
        typeof(InspectionSettings),
        typeof(ProbeSettings),
        typeof(SearchLikenessSettings),
        typeof(DecisionSquareSettings),
        typeof(LearnedSearchSettings),
        typeof(SteeringSettings),
        typeof(RetargetSettings),
        typeof(ResamplingSettings),
        typeof(ComparisonSettings),
        typeof(QuantilizerSettings),
        typeof(CompetenceSettings),
    ];

    /// <summary>Section name → settings type.</summary>
    public static readonly IReadOnlyDictionary<string, Type> All = Types.ToDictionary(NameOf, t => t, StringComparer.Ordinal);

    /// <summary>The section name a settings type declares.</summary>
    public static string NameOf(Type type) => type.GetCustomAttribute<ConfigSectionAttribute>()?.Name
        ?? throw new InvalidOperationException($"{type.Name} has no [ConfigSection] attribute.");
}
