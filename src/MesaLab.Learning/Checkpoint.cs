namespace MesaLab.Learning;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MesaLab.Worlds;
using TorchSharp.Modules;

/// <summary>Everything in a checkpoint besides tensors: what was trained, how, and where the learner stood.</summary>
public sealed record CheckpointMeta
{
    public int FormatVersion { get; init; } = Checkpoint.FormatVersion;
    public string? RunId { get; init; }
    public string RunName { get; init; } = "";
    public string World { get; init; } = "";
    public string TrainSplit { get; init; } = "train";
    /// <summary>The training split's parameter values (invariant text), enough to rebuild it exactly.</summary>
    public Dictionary<string, string> TrainSplitValues { get; init; } = [];
    public ulong Seed { get; init; }
    public int Threads { get; init; }
    public PpoSettings Ppo { get; init; } = new();
    public NetworkSettings Network { get; init; } = new();
    /// <summary>Training with transparency (null in checkpoints of plain runs written before it existed: none).</summary>
    public TransparencyTrainingSettings? Transparency { get; init; }
    public int InputChannels { get; init; }
    public int InputHeight { get; init; }
    public int InputWidth { get; init; }
    public LearnerState Learner { get; init; } = new();
    /// <summary>The experiment configuration text the run started from (YAML), if any.</summary>
    public string? Config { get; init; }
    public string CodeVersion { get; init; } = "";
    public DateTime CreatedUtc { get; init; }
}

/// <summary>
/// One checkpoint file: model, optimizer, generator states, counters, settings and config together.
/// Layout: the 8-byte magic <c>MESALAB1</c>, a format version, named sections (meta JSON, model, optimizer),
/// and a SHA-256 of everything before it, so a corrupt or truncated file is refused with a clear sentence.
/// Written atomically (temporary file in the same directory, then a rename).
/// </summary>
public sealed class Checkpoint
{
    /// <summary>
    /// The version this MesaLab writes. Version 1 held TorchSharp's Adam state; version 2 holds <see cref="ScalarSafeAdam"/>'s.
    /// Both are read: a version-1 checkpoint gives its network for evaluation but cannot be resumed.
    /// </summary>
    public const int FormatVersion = 2;

    private const int OldestReadableVersion = 1;
    private static readonly byte[] Magic = "MESALAB1"u8.ToArray();

    private Checkpoint(string path, CheckpointMeta meta, byte[] model, byte[] optimizer, byte[]? auxiliary)
    {
        Path = path;
        Meta = meta;
        ModelBytes = model;
        OptimizerBytes = optimizer;
        AuxiliaryBytes = auxiliary;
    }

    public string Path { get; }
    public CheckpointMeta Meta { get; }
    public byte[] ModelBytes { get; }
    public byte[] OptimizerBytes { get; }

    /// <summary>The auxiliary loss's state (probe head, its optimizer and generator): the optional section <c>auxiliary</c>.</summary>
    public byte[]? AuxiliaryBytes { get; }

    /// <summary>Writes a learner's full state to <paramref name="path"/> atomically; an existing file is replaced only once the new one is complete.</summary>
    public static void Write(string path, Ppo learner, CheckpointMeta meta)
    {
        var full = meta with
        {
            World = learner.Split.World.Name,
            TrainSplit = learner.Split.Name,
            TrainSplitValues = learner.Split.Values.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture) ?? ""),
            Seed = learner.Seed,
            Ppo = learner.Settings,
            Network = learner.Network.Settings,
            Transparency = learner.Transparency,
            InputChannels = learner.Network.InputChannels,
            InputHeight = learner.Network.InputHeight,
            InputWidth = learner.Network.InputWidth,
            Learner = learner.CaptureState(),
            CreatedUtc = DateTime.UtcNow,
        };
        using var model = new MemoryStream();
        using (var w = new BinaryWriter(model, Encoding.UTF8, leaveOpen: true)) learner.Network.save(w);
        using var opt = new MemoryStream();
        using (var w = new BinaryWriter(opt, Encoding.UTF8, leaveOpen: true)) learner.Optimizer.Save(w);
        WriteFile(path, full, model.ToArray(), opt.ToArray(), learner.Auxiliary?.SaveState());
    }

    internal static void WriteFile(string path, CheckpointMeta meta, byte[] model, byte[] optimizer, byte[]? auxiliary = null, int formatVersion = FormatVersion)
    {
        var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(formatVersion);
            var sections = new List<(string, byte[])> { ("meta", JsonSerializer.SerializeToUtf8Bytes(meta, MesaLabJson.Compact)), ("model", model), ("optimizer", optimizer) };
            if (auxiliary is not null) sections.Add(("auxiliary", auxiliary));
            w.Write(sections.Count);
            foreach (var (name, bytes) in sections)
            {
                w.Write(name);
                w.Write((long)bytes.Length);
                w.Write(bytes);
            }
        }
        var hash = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        AtomicFile.Write(path, f =>
        {
            f.Write(body.GetBuffer(), 0, (int)body.Length);
            f.Write(hash);
        });
    }

    /// <summary>Reads and verifies a checkpoint. Missing, foreign, corrupt or truncated files give a <see cref="UserError"/>.</summary>
    public static Checkpoint Read(string path)
    {
        if (!File.Exists(path)) throw new UserError($"checkpoint '{path}' does not exist.");
        byte[] all;
        try { all = File.ReadAllBytes(path); }
        catch (IOException e) { throw new UserError($"checkpoint '{path}' cannot be read: {e.Message}", e); }
        if (all.Length < Magic.Length + 32 || !all.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new UserError($"'{path}' is not a MesaLab checkpoint (it does not start with the MESALAB1 header).");
        var expected = SHA256.HashData(all.AsSpan(0, all.Length - 32));
        if (!expected.AsSpan().SequenceEqual(all.AsSpan(all.Length - 32)))
            throw new UserError($"checkpoint '{path}' is corrupt or truncated (its SHA-256 checksum does not match); resume from an earlier checkpoint of the run.");
        try
        {
            using var r = new BinaryReader(new MemoryStream(all, 0, all.Length - 32), Encoding.UTF8);
            r.ReadBytes(Magic.Length);
            int version = r.ReadInt32();
            if (version < OldestReadableVersion || version > FormatVersion)
                throw new UserError($"checkpoint '{path}' has format version {version}; this MesaLab reads versions {OldestReadableVersion} to {FormatVersion}.");
            int count = r.ReadInt32();
            var sections = new Dictionary<string, byte[]>();
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                long len = r.ReadInt64();
                sections[name] = r.ReadBytes(checked((int)len));
            }
            var meta = JsonSerializer.Deserialize<CheckpointMeta>(sections["meta"], MesaLabJson.Compact)
                ?? throw new UserError($"checkpoint '{path}' has an empty meta section.");
            return new Checkpoint(path, meta with { FormatVersion = version }, sections["model"], sections["optimizer"], sections.GetValueOrDefault("auxiliary"));
        }
        catch (Exception e) when (e is EndOfStreamException or KeyNotFoundException or JsonException or OverflowException)
        {
            throw new UserError($"checkpoint '{path}' is damaged: {e.Message}", e);
        }
    }

    /// <summary>The training split the checkpoint was trained on, rebuilt from its saved values.</summary>
    public Split TrainSplit()
    {
        var world = WorldCatalog.Get(Meta.World);
        var values = Meta.TrainSplitValues.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        return world.DefineSplit(Meta.TrainSplit, $"training split of checkpoint {System.IO.Path.GetFileName(Path)}", new Dictionary<string, object>(), values, $"checkpoint '{Path}'");
    }

    /// <summary>A fresh network with this checkpoint's weights (on the CPU, in evaluation mode).</summary>
    public ActorCritic BuildNetwork()
    {
        var net = new ActorCritic(Meta.Network, Meta.InputChannels, Meta.InputHeight, Meta.InputWidth, Meta.Seed);
        LoadModel(net);
        net.eval();
        return net;
    }

    public void LoadModel(ActorCritic net)
    {
        using var r = new BinaryReader(new MemoryStream(ModelBytes), Encoding.UTF8);
        net.load(r);
    }

    public void LoadOptimizer(ScalarSafeAdam optimizer)
    {
        if (Meta.FormatVersion < 2)
            throw new UserError($"checkpoint '{Path}' was written by an earlier MesaLab (format {Meta.FormatVersion}, with another optimizer); it can be evaluated but not resumed.");
        using var r = new BinaryReader(new MemoryStream(OptimizerBytes), Encoding.UTF8);
        optimizer.Load(r, $"checkpoint '{Path}'");
    }

    /// <summary>
    /// A learner that continues exactly where this checkpoint stopped: same split, seed, settings, weights,
    /// optimizer moments, generators, counters and episodes in progress.
    /// </summary>
    /// <remarks><paramref name="settings"/> may change the budget (total_steps); the learning-rate schedule follows it.</remarks>
    public Ppo Resume(TorchSharp.torch.Device? device = null, PpoSettings? settings = null)
    {
        var learner = new Ppo(TrainSplit(), Meta.Seed, settings ?? Meta.Ppo, Meta.Network, device, Meta.Transparency);
        try
        {
            LoadModel(learner.Network);
            LoadOptimizer(learner.Optimizer);
        }
        catch
        {
            learner.Dispose();
            throw;
        }
        if (learner.Auxiliary is not null)
        {
            if (AuxiliaryBytes is null)
            {
                learner.Dispose();
                throw new UserError($"checkpoint '{Path}' was trained with transparency.aux: {Meta.Transparency!.Aux} but holds no probe head (no 'auxiliary' section); it cannot be resumed exactly.");
            }
            learner.Auxiliary.LoadState(AuxiliaryBytes);
        }
        learner.RestoreState(Meta.Learner);
        return learner;
    }
}
