namespace MesaLab.Core.Config;

/// <summary>
/// Declares a settings type as a top-level section of experiment files, e.g. <c>[ConfigSection("ppo")]</c> on
/// <c>PpoSettings</c>. The experiments layer lists every section type once (<c>ExperimentSections</c>); unknown
/// top-level sections are errors.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ConfigSectionAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Overrides the YAML key of a property (default: the property name in snake_case).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class ConfigKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>
/// Settings that check themselves after binding (cross-field rules such as minibatch size dividing the batch).
/// Each problem names a field of this object (its YAML key) and says what is wrong and what is allowed.
/// </summary>
public interface ICheckedSettings
{
    IEnumerable<(string Field, string Problem)> Check();
}

/// <summary>
/// Keeps a property out of experiment files: the experiment sets it itself (e.g. a study's seed, which comes from
/// <c>evaluation.seed</c>), so a file cannot give it a second, conflicting home.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ConfigIgnoreAttribute : Attribute;
