namespace MesaLab.Experiments;

using System.Security.Cryptography;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds;

/// <summary>
/// A run opened from the store: its record, its configuration (read leniently, see <see cref="ExperimentConfig.ParseStored"/>),
/// world and splits, and its checkpoints — the latest or a chosen one, checked against the SHA-256 the store recorded —
/// with the trained network as a policy. The one place every job that works on an existing run starts from.
/// </summary>
public sealed class StoredRun
{
    private StoredRun(IRunStore store, RunRecord record, ExperimentConfig config)
    {
        Store = store;
        Record = record;
        Config = config;
    }

    public IRunStore Store { get; }
    public RunRecord Record { get; }
    public string Id => Record.Id;
    public string Name => Record.Name;

    /// <summary>The run's configuration with the caller's overrides (e.g. an evaluation section) applied.</summary>
    public ExperimentConfig Config { get; }

    public World World => Config.World;

    /// <summary>"run 1a2b3c4d (green-arrow-maze)" — how messages name the run.</summary>
    public string Label => $"run {Record.Id} ({Record.Name})";

    /// <summary>Opens a run by id, name or unique prefix; <paramref name="overrides"/> apply on top of its stored configuration.</summary>
    public static StoredRun Open(IRunStore store, string idOrName, IEnumerable<ConfigOverride>? overrides = null)
    {
        var record = store.GetRun(idOrName);
        if (string.IsNullOrWhiteSpace(record.Config))
            throw new UserError($"run {record.Id} ({record.Name}) has no stored configuration; it cannot be reopened.");
        var config = ExperimentConfig.ParseStored(record.Config, $"the configuration stored with run {record.Id}", overrides);
        return new StoredRun(store, record, config);
    }

    /// <summary>The chosen checkpoint (by update number) or the latest; a <see cref="UserError"/> naming the choices when there is none.</summary>
    public CheckpointRecord Checkpoint(long? update = null)
    {
        var all = Store.Checkpoints(Id);
        if (all.Count == 0)
            throw new UserError($"{Label} has no checkpoint yet; train it with 'mesalab train' (or resume it with 'mesalab train --resume {Id}').");
        if (update is null) return all.MaxBy(c => c.Update)!;
        return all.FirstOrDefault(c => c.Update == update)
            ?? throw new UserError($"{Label} has no checkpoint at update {update}; its checkpoints are at updates {string.Join(", ", all.Select(c => c.Update).Order())}.");
    }

    /// <summary>The full path of a checkpoint file, after checking that it exists and matches the SHA-256 the store recorded.</summary>
    public string VerifiedPath(CheckpointRecord checkpoint)
    {
        var path = Path.Combine(Store.Workspace, checkpoint.Path);
        if (!File.Exists(path))
            throw new UserError($"{Label}: checkpoint file {path} is missing; the workspace given with --workspace must hold the run's files.");
        string sha;
        using (var f = File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(f));
        if (!string.Equals(sha, checkpoint.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new UserError($"{Label}: checkpoint file {path} does not match the SHA-256 recorded when it was written; it was changed or damaged (choose another with --checkpoint; the run's checkpoints are at updates {string.Join(", ", Store.Checkpoints(Id).Select(c => c.Update).Order())}).");
        return path;
    }

    /// <summary>Reads a checkpoint (default: the latest), verified.</summary>
    public Checkpoint ReadCheckpoint(long? update = null) => Learning.Checkpoint.Read(VerifiedPath(Checkpoint(update)));

    /// <summary>
    /// The trained network of a checkpoint (default: the latest) as a policy that samples with <paramref name="seed"/>
    /// (or takes the most probable move), checked to read the observation channels of the run's world.
    /// </summary>
    public LearnedPolicy Policy(ulong seed, long? update = null, bool greedy = false)
    {
        var reference = Checkpoint(update);
        var checkpoint = Learning.Checkpoint.Read(VerifiedPath(reference));
        if (checkpoint.Meta.InputChannels != World.Channels.Count)
            throw new UserError($"checkpoint {reference.Path} reads {checkpoint.Meta.InputChannels} observation channels, but world '{World.Name}' writes {World.Channels.Count} ({string.Join(", ", World.Channels.Select(c => c.Name))}); it cannot be evaluated there.");
        var network = checkpoint.BuildNetwork();
        return new LearnedPolicy(network, Record.Name, greedy, seed, ownsNetwork: true);
    }
}
