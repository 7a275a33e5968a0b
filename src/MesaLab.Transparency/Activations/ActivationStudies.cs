namespace MesaLab.Transparency;

using MesaLab.Worlds;

/// <summary>Which states activations are recorded on.</summary>
public sealed record ActivationSettings(int Levels, int StatesPerLevel, ulong Seed);

/// <summary>Recording activations, probing them and attribution maps on a <see cref="TransparencySubject"/>.</summary>
public static class ActivationStudies
{
    /// <summary>Records activations of <paramref name="layers"/> over probe states and caches them with the run.</summary>
    public static (ProbeStates States, ActivationCacheHeader Header, Dictionary<string, FeatureMatrix> Activations, string Path) RecordActivations(
        TransparencySubject subject, IReadOnlyList<string> layers, ActivationSettings settings, Action<string>? log = null)
    {
        var states = ProbeStates.Generate(subject.Split, settings.Levels, settings.StatesPerLevel, settings.Seed);
        log?.Invoke($"recording {layers.Count} layers over {states.Count} states ({settings.Levels} levels of split '{subject.Split.Name}')");
        var (acts, shapes, moves) = states.Capture(subject.Network, layers);
        var header = new ActivationCacheHeader
        {
            Network = subject.Network.Name,
            CheckpointSha256 = subject.CheckpointSha256,
            World = subject.Split.World.Name,
            Split = subject.Split.Name,
            SplitFingerprint = subject.Split.Fingerprint(),
            Seed = settings.Seed,
            Levels = settings.Levels,
            StatesPerLevel = settings.StatesPerLevel,
            CanvasWidth = states.CanvasWidth,
            CanvasHeight = states.CanvasHeight,
            Layers = [.. layers],
            Shapes = [.. layers.Select(l => shapes[l])],
            LevelIndex = [.. states.States.Select(s => s.Level.Index)],
            AgentCell = [.. states.States.Select(s => s.AgentCell)],
            NextMove = [.. moves],
        };
        var path = ActivationCache.PathFor(subject.Workspace, subject.RunId, subject.Split.Name, settings.Levels, settings.StatesPerLevel, settings.Seed);
        ActivationCache.Write(path, header, acts);
        log?.Invoke($"cached in {path}");
        return (states, header, acts, path);
    }

    /// <summary>The cached activations when the cache matches this checkpoint, split and layers; otherwise records them.</summary>
    public static (ProbeStates States, ActivationCacheHeader Header, Dictionary<string, FeatureMatrix> Activations, string Path, bool FromCache) LoadOrRecord(
        TransparencySubject subject, IReadOnlyList<string> layers, ActivationSettings settings, Action<string>? log = null)
    {
        var path = ActivationCache.PathFor(subject.Workspace, subject.RunId, subject.Split.Name, settings.Levels, settings.StatesPerLevel, settings.Seed);
        if (File.Exists(path))
        {
            var header = ActivationCache.ReadHeader(path);
            if (header.CheckpointSha256 == subject.CheckpointSha256 && header.SplitFingerprint == subject.Split.Fingerprint()
                && layers.All(header.Layers.Contains))
            {
                var states = ProbeStates.Generate(subject.Split, settings.Levels, settings.StatesPerLevel, settings.Seed);
                if (states.States.Select(s => s.AgentCell).SequenceEqual(header.AgentCell))
                {
                    log?.Invoke($"using cached activations {path}");
                    var (_, acts) = ActivationCache.Read(path, layers.ToList());
                    return (states, header, acts, path, true);
                }
            }
            log?.Invoke($"cached activations in {path} are for another checkpoint, split or layer set; recording again");
        }
        var (s2, h2, a2, p2) = RecordActivations(subject, layers, settings, log);
        return (s2, h2, a2, p2, false);
    }

    /// <summary>Probes every layer for every target, with the shuffled-label and random-initialization controls.</summary>
    public static ProbeStudyResult Probe(TransparencySubject subject, IReadOnlyList<string> layers, ActivationSettings settings, ProbeSettings probe,
        bool randomInitControl, Action<string>? log = null)
    {
        var (states, header, acts, _, _) = LoadOrRecord(subject, layers, settings, log);
        Dictionary<string, FeatureMatrix>? control = null;
        if (randomInitControl)
        {
            log?.Invoke("recording the randomly initialized control network");
            var random = subject.RandomInitialization(settings.Seed ^ 0x5A5A5A5AUL);
            control = states.Capture(random, layers).Activations;
        }
        return ProbeStudy.Run(states, layers, acts, [.. header.NextMove], control, probe, log);
    }

    /// <summary>Gradient×input and occlusion for one level of the split, with the agent at its start.</summary>
    public static AttributionResult Attribute(TransparencySubject subject, long levelIndex, ulong seed)
    {
        var generator = subject.Split.World.CreateGenerator(subject.Split);
        var level = generator.Generate(seed, levelIndex);
        var obs = ObservationBuilder.Build(subject.Split, [(level, level.Start)], subject.CanvasWidth, subject.CanvasHeight);
        var probs = subject.Network.ActionProbabilities(obs).data<float>().ToArray();
        int move = Array.IndexOf(probs, probs.Max());
        var gxi = InputAttribution.GradientTimesInput(subject.Network, obs, [move]);
        var occ = InputAttribution.Occlusion(subject.Network, obs[0], move);
        var channels = subject.Split.World.Channels;
        var gTotals = InputAttribution.ChannelTotals(gxi, channels.Count);
        var oTotals = InputAttribution.ChannelTotals(occ, channels.Count);
        return new AttributionResult(subject.Split.World.Name, subject.Split.Name, levelIndex, seed, subject.CanvasWidth, subject.CanvasHeight,
            ((Move)move).ToString(), [.. probs.Select(p => (double)p)],
            [.. channels.Select((c, i) => new ChannelAttribution(c.Name, gTotals[i], oTotals[i],
                [.. gxi.Skip(i * subject.CanvasWidth * subject.CanvasHeight).Take(subject.CanvasWidth * subject.CanvasHeight).Select(v => (double)v)],
                [.. occ.Skip(i * subject.CanvasWidth * subject.CanvasHeight).Take(subject.CanvasWidth * subject.CanvasHeight).Select(v => (double)v)]))]);
    }
}

/// <summary>Attribution of one input channel: totals of |gradient×input| and |occlusion|, and both maps over the canvas (row-major).</summary>
public sealed record ChannelAttribution(string Channel, double GradientTimesInputTotal, double OcclusionTotal, double[] GradientTimesInput, double[] Occlusion);

/// <summary>Attribution maps of the network's most probable move at the start of one level.</summary>
public sealed record AttributionResult(string World, string Split, long LevelIndex, ulong Seed, int CanvasWidth, int CanvasHeight,
    string Move, double[] MoveProbabilities, IReadOnlyList<ChannelAttribution> Channels);
