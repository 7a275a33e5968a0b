namespace MesaLab.Cli.Tests;

using System.CommandLine;
using System.Text;
using CsCheck;
using MesaLab.Experiments;

/// <summary>
/// Random command lines, drawn from the real verb tree and its options with good and bad values, and random experiment
/// files: whatever the input, the command line ends with exit code 0 or 2 and never prints a stack trace; a refusal is
/// one line starting "error: ". Inputs that would start real work (training, benchmarks, evaluations) always carry one
/// value that validation must refuse, so the test stays fast and exercises the checks that run before work starts.
/// </summary>
[Collection("torch")] // a refused training may still set torch's thread count, which other tests here depend on
public sealed class CliPropertyTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mesalab-cli-property-").FullName;
    private readonly string workspace, emptyFile, commentFile, garbageFile, goodConfig, aDirectory;
    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public CliPropertyTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        this.output = output;
        workspace = Path.Combine(root, "ws");
        Directory.CreateDirectory(workspace);
        aDirectory = Path.Combine(root, "a-directory");
        Directory.CreateDirectory(aDirectory);
        emptyFile = Write("empty.yaml", "");
        commentFile = Write("comments.yaml", "# nothing but a comment\n\n");
        garbageFile = Write("garbage.yaml", "ppo: [unclosed\n  - : :\n\t");
        goodConfig = Write("good.yaml", "world: keys-and-chests\nseed: 3\nppo: { num_envs: 4 }\n");
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Verbs that start work when every value is valid: each of their command lines carries a refused value.</summary>
    private static readonly HashSet<string> Working = ["train", "demo", "sweep", "quantilize", "compare-transparency", "evaluate", "bench worlds", "bench ppo", "bench train", "bench competence",
        "activations", "probe", "steer", "retarget", "attribute", "report", "study", "study work", "proposals", "search", "serve"];

    private static readonly string[] Numbers = ["0", "1", "2", "3", "-1", "0.5", "1.5", "1e9", "99999999999999999999", "1e999", "NaN", "Infinity", "-Infinity", ".inf", "-.nan", "abc", "", "0x10", "1_000"];
    private static readonly string[] Words = ["green-arrow-maze", "keys-and-chests", "cheese-corner-maze", "no-such-world", "train", "deploy", "random", "shortest-path:exit", "shortest-path:nope",
        "cpu", "cuda", "gpu", "body.features", "policy", "intended_goal", "penalize_proxy", "a,b", "exit", "arrow", "none", "[1, 2]", "{a: 1}", "~", "null", "é"];

    /// <summary>The numeric fields of every section, whose value "NaN", ".inf", "abc" or a list is always refused.</summary>
    private static readonly string[] NumericFields = [.. SettingsDocs.Sections().SelectMany(s => s.Fields).Where(f => f.Type.StartsWith("a whole number", StringComparison.Ordinal) || f.Type.StartsWith("a number", StringComparison.Ordinal)).Select(f => f.Path)];
    private static readonly string[] AllFields = [.. SettingsDocs.Sections().SelectMany(s => s.Fields).Select(f => f.Path), .. ExperimentConfig.CoreFields, "world_parameters.max_size", "world_parameters.nope", "splits.big.max_size", "splits.big.base", "nope.field"];
    private static readonly string[] Refused = ["NaN", ".inf", "-.inf", "1e999", "abc", "[1, 2]", "{a: 1}"];

    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            string path = prefix.Length == 0 ? sub.Name : $"{prefix} {sub.Name}";
            if (sub.Action is not null) yield return (path, sub);
            foreach (var leaf in Leaves(sub, path)) yield return leaf;
        }
    }

    private static readonly (string Path, Command Command)[] Verbs =
        [.. Leaves(Cli.Build(new CliContext(new Output(TextWriter.Null, TextWriter.Null), CancellationToken.None)), "")];

    // Values are chosen by index into these palettes, so the generator stays plain integers that CsCheck can shrink.
    private string[] PathValues(string option) => option switch
    {
        "--workspace" => [workspace, "/proc/mesalab-ws", emptyFile, Path.Combine(root, "new-ws"), ""],
        "--splits" => [goodConfig, emptyFile, commentFile, garbageFile, aDirectory, "/nonexistent/x.yaml", ""],
        _ => [Path.Combine(root, "out", "x.png"), "/proc/x.png", "/proc/dir/x", aDirectory, emptyFile, Path.Combine(emptyFile, "x.png"), ""],
    };

    private static readonly string[] Sets =
        [.. AllFields.SelectMany(f => Numbers.Concat(Words).Concat(["true", "false", "[]", "[0.5, 0]"]).Select(v => $"{f}={v}")), "no-equals-sign", "=1", "ppo..epochs=1"];

    private static readonly string[] Params = ["min_size=5", "max_size=99", "nope=1", "min_size", "max_size=NaN", "randomized_fraction=.inf", "goal=arrow"];

    private string[] OptionValues(Option option) => option.Name switch
    {
        "--set" => Sets,
        "--param" => Params,
        "--workspace" or "--out" or "--plot" or "--gif" or "--splits" => PathValues(option.Name),
        _ when option.GetType() == typeof(Option<bool>) => [],
        _ => [.. Numbers, .. Words],
    };

    private string[] ArgumentValues(Argument argument) => argument.Name switch
    {
        "CONFIG" => [goodConfig, emptyFile, commentFile, garbageFile, aDirectory, "/nonexistent/x.yaml", ""],
        "WORLD" => ["green-arrow-maze", "keys-and-chests", "cheese-corner-maze", "nope", ""],
        _ => ["abc", "1", "", "green-arrow-maze"],
    };

    /// <summary>A refused value for a verb that would otherwise start work: a numeric field or option that cannot be NaN, infinite, text or a list.</summary>
    private static string[] RefusedValue(Command command, int a, int b)
    {
        if (command.Options.Any(o => o.Name == "--set")) return ["--set", $"{NumericFields[a % NumericFields.Length]}={Refused[b % Refused.Length]}"];
        var numeric = command.Options.Where(o => o.GetType() == typeof(Option<int>) || o.GetType() == typeof(Option<long>)).Select(o => o.Name).ToArray();
        string[] bad = ["NaN", "abc", "1e999", "-5"];
        return [numeric[a % numeric.Length], bad[b % bad.Length]];
    }

    private string[] Build(int verbIndex, int[] argumentChoices, (int Option, int Value)[] optionChoices, (int A, int B) refused, int position)
    {
        var (path, command) = Verbs[verbIndex];
        var tokens = new List<string>(path.Split(' '));
        var arguments = command.Arguments.ToArray();
        for (int i = 0; i < arguments.Length; i++)
        {
            if (argumentChoices[i] % 5 == 0) continue; // left out now and then
            var values = ArgumentValues(arguments[i]);
            tokens.Add(values[argumentChoices[i] % values.Length]);
        }
        var options = command.Options.ToArray();
        var chosen = new List<string[]>();
        foreach (var (o, v) in optionChoices)
        {
            if (options.Length == 0) break;
            var option = options[o % options.Length];
            var values = OptionValues(option);
            chosen.Add(values.Length == 0 ? [option.Name] : [option.Name, values[v % values.Length]]);
        }
        if (Working.Contains(path)) chosen.Insert(Math.Min(position, chosen.Count), RefusedValue(command, refused.A, refused.B));
        foreach (var c in chosen) tokens.AddRange(c);
        if (options.Any(o => o.Name == "--workspace") && !chosen.Any(c => c[0] == "--workspace")) tokens.AddRange(["--workspace", workspace]);
        return [.. tokens];
    }

    private Gen<string[]> CommandLine =>
        from verb in Gen.Int[0, Verbs.Length - 1]
        from arguments in Gen.Int[0, 999].Array[3]
        from options in Gen.Select(Gen.Int[0, 999], Gen.Int[0, 9999]).Array[0, 8]
        from refused in Gen.Select(Gen.Int[0, 999], Gen.Int[0, 999])
        from position in Gen.Int[0, 8]
        select Build(verb, arguments, options, refused, position);

    private static void AssertOneSentenceOrSuccess(string[] args, int exit, string stderr)
    {
        string shown = string.Join(" ", args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Length == 0 ? $"'{a}'" : a));
        Assert.True(exit is 0 or Cli.UserErrorExit, $"mesalab {shown} exited with {exit}: {stderr}");
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        if (exit == Cli.UserErrorExit)
        {
            var last = stderr.TrimEnd().Split('\n')[^1];
            Assert.True(last.StartsWith("error: ", StringComparison.Ordinal), $"mesalab {shown}: the refusal is not one 'error:' line: {stderr}");
        }
    }

    [Fact]
    public void Random_command_lines_end_in_success_or_one_sentence()
    {
        int exits0 = 0, exits2 = 0;
        CommandLine.Sample(args =>
        {
            var o = new StringWriter();
            var e = new StringWriter();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int exit = Cli.Run(args, o, e);
            if (clock.Elapsed.TotalSeconds > 1) output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {string.Join(" ", args)}");
            AssertOneSentenceOrSuccess(args, exit, e.ToString());
            Interlocked.Increment(ref exit == 0 ? ref exits0 : ref exits2);
        }, iter: 1000, print: a => string.Join(" ", a));
        Assert.True(exits2 > 0 && exits0 > 0, $"{exits0} successes and {exits2} refusals: the generator should give both");
    }

    /// <summary>A random experiment file: fields of every section and the core, good and bad values, and broken YAML.</summary>
    private static Gen<string> ExperimentFile =>
        from entries in Gen.Select(Gen.OneOf(AllFields), Gen.OneOf(Gen.OneOf(Numbers), Gen.OneOf(Words), Gen.OneOf("true", "[1, 0.5]", "[]", "{}", "[[1]]", "\"quoted\""))).Array[0, 8]
        from damage in Gen.Frequency((6, Gen.Const("")), (1, Gen.OneOf("\t", "---\nseed: 2\n", "a: &x 1\nb: *x\n", ": :\n", "[", "seed: 1\nseed: 2\n", "# only a comment\n", "\u0000", "world: [")))
        select Yaml(entries) + damage;

    private static string Yaml(IEnumerable<(string Path, string Value)> entries)
    {
        // Dotted paths become nested block mappings; a path given twice keeps its first value.
        var tree = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (path, value) in entries)
        {
            var node = tree;
            var parts = path.Split('.');
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (!node.TryGetValue(parts[i], out var child) || child is not SortedDictionary<string, object> map)
                    node[parts[i]] = map = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = map;
            }
            node.TryAdd(parts[^1], value);
        }
        var sb = new StringBuilder();
        void Emit(SortedDictionary<string, object> node, int indent)
        {
            foreach (var (k, v) in node)
            {
                sb.Append(' ', indent).Append(k).Append(':');
                if (v is SortedDictionary<string, object> child) { sb.Append('\n'); Emit(child, indent + 2); }
                else sb.Append(' ').Append((string)v).Append('\n');
            }
        }
        Emit(tree, 0);
        return sb.ToString();
    }

    [Fact]
    public void Random_experiment_files_are_accepted_or_refused_in_one_sentence()
    {
        int exits0 = 0, exits2 = 0, n = 0;
        ExperimentFile.Sample(text =>
        {
            string file = Path.Combine(root, $"random-{Interlocked.Increment(ref n)}.yaml");
            File.WriteAllText(file, text);
            var o = new StringWriter();
            var e = new StringWriter();
            string[] args = ["config", "show", file];
            int exit = Cli.Run(args, o, e);
            AssertOneSentenceOrSuccess(args, exit, e.ToString());
            Interlocked.Increment(ref exit == 0 ? ref exits0 : ref exits2);
        }, iter: 400, print: t => t);
        Assert.True(exits2 > 0 && exits0 > 0, $"{exits0} accepted and {exits2} refused: the generator should give both");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}
