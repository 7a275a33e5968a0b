namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Worlds;

/// <summary><c>mesalab worlds list</c>: every world with its splits, parameters, channels and candidate objectives.</summary>
public static class WorldsVerb
{
    public static Command Create(CliContext cli)
    {
        var worlds = new Command("worlds", "list worlds and draw their levels");
        var list = new Command("list", "name every world with its splits, parameters, observation channels and candidate objectives");
        list.SetAction(_ => List(cli.Output));
        worlds.Subcommands.Add(list);
        worlds.Subcommands.Add(WorldsShow.Create(cli));
        return worlds;
    }

    private static int List(Output output)
    {
        var doc = WorldCatalog.All.Select(w => new
        {
            name = w.Name,
            description = w.Description,
            candidates = w.Candidates.Select(c => new { name = c.Name, description = c.Description, kind = c.Kind.ToString().ToLowerInvariant() }),
            base_objective = w.BaseObjective(w.Split("train")).Name,
            intended_objective = w.IntendedObjective(w.Split("train")).Name,
            hazards = w.Hazards.Select(h => new { name = h.Name, description = h.Description }),
            channels = w.Channels.Select(c => new { name = c.Name, doc = c.Doc }),
            parameters = w.Parameters.Select(p => new { name = p.Name, @default = p.Default, allowed = p.Allowed, doc = p.Doc }),
            splits = w.BuiltInSplits.Select(s => new
            {
                name = s.Name,
                description = s.Description,
                values = w.Split(s.Name).Values.ToDictionary(kv => kv.Key, kv => kv.Value),
            }),
        }).ToList();
        output.Result(new { worlds = doc }, o =>
        {
            foreach (var w in WorldCatalog.All)
            {
                o.WriteLine($"{w.Name} — {w.Description}");
                o.WriteLine($"  candidates: {string.Join(", ", w.Candidates.Select(c => c.Name))}; base objective: {w.BaseObjective(w.Split("train")).Name}");
                if (w.Hazards.Count > 0)
                    o.WriteLine($"  hazards (not goals; meeting one is a capability failure's reason): {string.Join("; ", w.Hazards.Select(h => $"{h.Name} — {h.Description}"))}");
                o.WriteLine($"  channels: {string.Join(", ", w.Channels.Select(c => c.Name))}");
                foreach (var s in w.BuiltInSplits)
                    o.WriteLine($"  split {s.Name}: {s.Description} ({string.Join(", ", s.Values.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}"))})");
                foreach (var p in w.Parameters)
                    o.WriteLine($"  --{p.Name.Replace('_', '-')}  {p.Doc} (default {Convert.ToString(p.Default, CultureInfo.InvariantCulture)}; {p.Allowed})");
                o.WriteLine();
            }
        });
        return 0;
    }
}
