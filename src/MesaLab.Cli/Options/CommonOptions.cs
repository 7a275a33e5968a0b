namespace MesaLab.Cli.Options;

using System.CommandLine;
using MesaLab.Store;

/// <summary>
/// The options and arguments that mean the same in every verb, defined once. Each call creates a new symbol for one
/// command (System.CommandLine links a symbol to every command it is added to, so symbols are never shared between
/// commands or invocations); a verb reads the value back by the option's name.
/// </summary>
public static class CommonOptions
{
    /// <summary>Global: print one JSON document on stdout (logs and progress go to stderr).</summary>
    public static Option<bool> Json() => new("--json") { Description = "print one JSON document on stdout; logs and progress go to stderr", Recursive = true };

    /// <summary>Whether <c>--json</c> was given (also when the command line did not parse).</summary>
    public static bool Json(ParseResult parse) =>
        parse.RootCommandResult.Command.Options.OfType<Option<bool>>().Where(o => o.Name == "--json").Select(parse.GetValue).FirstOrDefault();

    /// <summary>The workspace holding the run store and checkpoints.</summary>
    public static Option<string?> Workspace() => new Option<string?>("--workspace")
    {
        Description = $"workspace directory holding the run store ({SqliteRunStore.FileName}) and checkpoints (default ./{RunStores.DefaultWorkspace}; env {RunStores.StoreVariable} may name a PostgreSQL store)",
    }.NotBlank();

    /// <summary>The <c>--workspace</c> of an invocation (null: the default).</summary>
    public static string? Workspace(ParseResult parse) => parse.GetValue<string?>("--workspace");

    /// <summary>Any configuration field, applied after the file and the field options.</summary>
    public static Option<string[]> Set() => new("--set")
    {
        Description = "change one configuration field, e.g. --set ppo.learning_rate=0.001 (repeatable; applied after the file and the other options)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>A checkpoint chosen by update number (default: the latest).</summary>
    public static Option<long?> Checkpoint() => new Option<long?>("--checkpoint") { Description = "use the run's checkpoint at this update (default: the latest; mesalab runs show RUN lists them)" }
        .Within(0L, long.MaxValue);

    /// <summary>The <c>--checkpoint</c> of an invocation (null: the latest).</summary>
    public static long? Checkpoint(ParseResult parse) => parse.GetValue<long?>("--checkpoint");

    /// <summary>The experiment file argument (optional: the embedded defaults).</summary>
    public static Argument<string?> ConfigFile(string description = "experiment file (YAML); omitted: the embedded defaults") =>
        new Argument<string?>("CONFIG") { Description = description, Arity = ArgumentArity.ZeroOrOne }.NotBlank();

    /// <summary>A stored run argument.</summary>
    public static Argument<string> Run(string description = "a run: its id, name or a unique prefix (mesalab runs lists them)") =>
        new("RUN") { Description = description };

    /// <summary>The <c>--set</c> overrides of an invocation.</summary>
    public static IEnumerable<ConfigOverride> Sets(ParseResult parse) =>
        (parse.CommandResult.Command.Options.Any(o => o.Name == "--set") ? parse.GetValue<string[]>("--set") ?? [] : []).Select(ConfigOverride.Parse);
}
