namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Transparency;

/// <summary><c>mesalab activations RUN</c>: record every layer of the run's network over probe states and cache them with the run.</summary>
public static class ActivationsVerb
{
    public static Command Create()
    {
        var o = new TransparencyVerbOptions();
        var levels = new Option<int>("--levels") { Description = "levels generated from the split", DefaultValueFactory = _ => 250 };
        var states = new Option<int>("--states") { Description = "agent positions per level", DefaultValueFactory = _ => 4 };
        var layers = new Option<string?>("--layers") { Description = "comma-separated layer names (default: up to 8 layers spread over the network; 'all' for every layer)" };
        var cmd = new Command("activations", "record the network's activations on generated levels and cache them in the workspace with the run");
        o.AddTo(cmd);
        cmd.Options.Add(levels);
        cmd.Options.Add(states);
        cmd.Options.Add(layers);
        cmd.SetAction(p =>
        {
            var (store, subject) = o.Open(p);
            using var _ = store;
            using var __ = subject;
            var chosen = p.GetValue(layers) == "all" ? subject.Network.LayerNames : subject.Layers(p.GetValue(layers));
            var settings = new ActivationSettings(Check(p.GetValue(levels), "--levels"), Check(p.GetValue(states), "--states"), p.GetValue(o.Seed));
            var (st, header, acts, path) = TransparencyJobs.RecordActivations(subject, chosen, settings, Output.Current.Log);
            var doc = new
            {
                run = subject.Run.Id,
                split = subject.Split.Name,
                path,
                samples = st.Count,
                all_layers = subject.Network.LayerNames,
                layers = chosen.Select((l, i) => new { name = l, shape = header.Shapes[i], features = acts[l].Columns }),
            };
            TransparencyJobs.Store(store, subject, TransparencyResultKinds.Activations, subject.Split.Name, new { path, samples = st.Count, layers = chosen });
            Output.Current.Result(doc, w =>
            {
                w.WriteLine($"recorded {st.Count} states × {chosen.Count} layers of run {subject.Run.Id} → {path}");
                foreach (var (l, i) in chosen.Select((l, i) => (l, i)))
                    w.WriteLine($"  {l,-20} [{string.Join("×", header.Shapes[i])}]");
                w.WriteLine($"all layers: {string.Join(", ", subject.Network.LayerNames)}");
            });
            return 0;
        });
        return cmd;
    }

    internal static int Check(int v, string option) =>
        v >= 1 ? v : throw new MesaLab.Core.UserError($"{option} must be at least 1; got {v}.");
}
