namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Store;
using MesaLab.Transparency;
using MesaLab.Worlds;

/// <summary>Options shared by the transparency verbs (activations, probe, steer, retarget, attribute).</summary>
internal sealed class TransparencyVerbOptions
{
    public readonly Argument<string> Run = new("RUN") { Description = "run id, name, or a unique prefix of either (its latest checkpoint is inspected)" };
    public readonly Option<string?> Workspace = RunsVerb.WorkspaceOption();
    public readonly Option<string?> Split = new("--split") { Description = "split whose levels are used (default: the run's deploy split)" };
    public readonly Option<ulong> Seed = new("--seed") { Description = "seed of the levels, states and sampling", DefaultValueFactory = _ => 1UL };
    public readonly Option<int> Threads = new("--threads") { Description = "torch threads (results are deterministic per thread count)", DefaultValueFactory = _ => 1 };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Run);
        command.Options.Add(Workspace);
        command.Options.Add(Split);
        command.Options.Add(Seed);
        command.Options.Add(Threads);
    }

    /// <summary>Opens the store and the run's network for the chosen split.</summary>
    public (IRunStore Store, TransparencySubject Subject) Open(ParseResult p)
    {
        int threads = p.GetValue(Threads);
        if (threads < 1) throw new UserError($"--threads must be at least 1; got {threads}.");
        MesaLab.Learning.TorchSetup.SetThreads(threads);
        var store = RunStores.OpenExistingWorkspace(p.GetValue(Workspace));
        try
        {
            var subject = TransparencySubject.Open(store, p.GetValue(Run)!, p.GetValue(Split));
            Output.Current.Log($"inspecting {subject.Network.Name}: checkpoint {Path.GetFileName(subject.CheckpointPath)}, split '{subject.Split.Name}' ({subject.CanvasWidth}×{subject.CanvasHeight} canvas)");
            return (store, subject);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Writes a picture next to the run's transparency files (atomically) and returns its path.</summary>
    public static string SavePng(TransparencySubject subject, string fileName, byte[] png)
    {
        var path = Path.Combine(subject.Directory, fileName);
        AtomicFile.WriteAllBytes(path, png);
        return path;
    }

    public static IReadOnlyList<double> ParseNumbers(string? text, string option, IReadOnlyList<double> fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        var list = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new UserError($"{option}: '{part}' is not a number; give comma-separated numbers such as -2,-1,0,1,2.");
            list.Add(v);
        }
        return list;
    }

    public static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
