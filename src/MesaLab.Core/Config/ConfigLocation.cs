namespace MesaLab.Core.Config;

/// <summary>Where a configuration value came from: a file and line, the built-in defaults, or a command-line override.</summary>
/// <param name="Source">The file path as the user gave it, <c>built-in defaults</c>, or e.g. <c>--set ppo.learning_rate=0.001</c>.</param>
/// <param name="Line">1-based line, or 0 when the source has no lines.</param>
public sealed record ConfigLocation(string Source, int Line = 0, int Column = 0)
{
    public override string ToString() => Line > 0 ? $"{Source}:{Line}" : Source;
}
