namespace MesaLab.Transparency;

using System.Text;
using System.Text.Json;
using MesaLab.Worlds;

/// <summary>What an activation cache holds besides the numbers: where they came from and which states they are.</summary>
public sealed record ActivationCacheHeader
{
    public int FormatVersion { get; init; } = ActivationCache.FormatVersion;
    public string Network { get; init; } = "";
    /// <summary>SHA-256 of the checkpoint file the activations were recorded from (a cache of another checkpoint is stale).</summary>
    public string CheckpointSha256 { get; init; } = "";
    public string World { get; init; } = "";
    public string Split { get; init; } = "";
    public string SplitFingerprint { get; init; } = "";
    public ulong Seed { get; init; }
    public int Levels { get; init; }
    public int StatesPerLevel { get; init; }
    public int CanvasWidth { get; init; }
    public int CanvasHeight { get; init; }
    public List<string> Layers { get; init; } = [];
    public List<long[]> Shapes { get; init; } = [];
    /// <summary>Per state: level index in the split's stream and the agent's cell.</summary>
    public List<long> LevelIndex { get; init; } = [];
    public List<int> AgentCell { get; init; } = [];
    /// <summary>Per state: the network's most probable move.</summary>
    public List<int> NextMove { get; init; } = [];
}

/// <summary>
/// Recorded activations on disk, in the workspace next to the run (<c>&lt;workspace&gt;/&lt;run id&gt;/transparency/</c>):
/// a little-endian file "MLACT1", a JSON header length (int32) and header, then each layer's N × D float32 values.
/// Written atomically (temporary file in the same directory, then renamed).
/// </summary>
public static class ActivationCache
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "MLACT1"u8.ToArray();
    /// <summary>The cache file for a run and a set of probe states.</summary>
    public static string PathFor(string workspace, string runId, string split, int levels, int statesPerLevel, ulong seed) =>
        System.IO.Path.Combine(workspace, runId, "transparency", $"activations-{Sanitize(split)}-{levels}x{statesPerLevel}-seed{seed}.bin");

    private static string Sanitize(string s) => new([.. s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);

    public static void Write(string path, ActivationCacheHeader header, IReadOnlyDictionary<string, FeatureMatrix> activations)
    {
        AtomicFile.Write(path, f =>
        {
            using var w = new BinaryWriter(f, Encoding.UTF8, leaveOpen: true);
            var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header, MesaLabJson.Compact));
            w.Write(Magic);
            w.Write(json.Length);
            w.Write(json);
            foreach (var layer in header.Layers)
            {
                var m = activations[layer];
                w.Write(m.Rows);
                w.Write(m.Columns);
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(m.Data.AsSpan()));
            }
        });
    }

    public static ActivationCacheHeader ReadHeader(string path)
    {
        using var f = File.OpenRead(path);
        using var r = new BinaryReader(f);
        return ReadHeader(r, path);
    }

    private static ActivationCacheHeader ReadHeader(BinaryReader r, string path)
    {
        try
        {
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new UserError($"{path} is not a MesaLab activation cache; delete it and run 'mesalab activations' again.");
            int n = r.ReadInt32();
            var header = JsonSerializer.Deserialize<ActivationCacheHeader>(r.ReadBytes(n), MesaLabJson.Compact)
                ?? throw new UserError($"{path}: empty activation cache header; delete it and record again.");
            if (header.FormatVersion != FormatVersion) throw new UserError($"{path}: activation cache format {header.FormatVersion}, this MesaLab reads {FormatVersion}; record again.");
            return header;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new UserError($"{path} is truncated or corrupt; delete it and run 'mesalab activations' again.", e);
        }
    }

    /// <summary>Reads the header and the requested layers (null = all).</summary>
    public static (ActivationCacheHeader Header, Dictionary<string, FeatureMatrix> Activations) Read(string path, IReadOnlyCollection<string>? layers = null)
    {
        using var f = File.OpenRead(path);
        using var r = new BinaryReader(f);
        var header = ReadHeader(r, path);
        var result = new Dictionary<string, FeatureMatrix>();
        try
        {
            foreach (var layer in header.Layers)
            {
                int rows = r.ReadInt32(), cols = r.ReadInt32();
                long bytes = (long)rows * cols * 4;
                if (layers is not null && !layers.Contains(layer)) { f.Seek(bytes, SeekOrigin.Current); continue; }
                var data = new float[rows * cols];
                var span = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
                if (f.ReadAtLeast(span, span.Length, throwOnEndOfStream: false) != span.Length) throw new EndOfStreamException();
                result[layer] = new FeatureMatrix(data, rows, cols);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new UserError($"{path} is truncated; delete it and run 'mesalab activations' again.", e);
        }
        return (header, result);
    }
}
