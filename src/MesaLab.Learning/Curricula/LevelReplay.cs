namespace MesaLab.Learning;

using System.Diagnostics;
using System.Runtime.InteropServices;
using MesaLab.Worlds;

/// <summary>Scores the level an instance's episode just ended on (higher: more worth replaying).</summary>
public interface ILevelScorer
{
    double Score(WorldBatch batch, int instance);
}

/// <summary>
/// Regret of the ended episode under the world's reward, discounted with γ. On worlds whose base objective is a goal
/// cell it is exact: the optimal return on the level, γ^(d−1) for a shortest path of d moves from the start to the base
/// objective's nearest goal cell (reward 1 on entering it), minus the return the agent got, γ^(T−1) when it achieved the
/// base objective in T moves and 0 otherwise; MesaLab knows every level's optimal return, so the adversary needs no
/// estimate of it (the paper's positive value loss or MaxMC). One breadth-first search per scored episode.
/// On keys and chests (chests opened with keys) the optimal return over every object is combinatorial, so the first
/// term is the discounted return of the scripted overseer's plan (<see cref="ChestOverseer.Route"/>: the nearest key
/// when empty-handed, else the nearest chest) within the episode's step limit, a lower bound on the optimal return;
/// the agent's return Σ γ^(t−1)·r_t is found by replaying the episode's moves (given to the constructor) on the
/// level. Their difference, floored at 0, is a lower-bound estimate of the regret.
/// </summary>
public sealed class RegretScorer : ILevelScorer
{
    private readonly CandidateObjective baseObjective;
    private readonly double gamma;
    private readonly Split split;
    private readonly Func<int, Move[]>? episodeMoves;
    private readonly bool collected;
    private WorldBatch? replay;
    private int[] distance = [], queue = [], goals = [];

    /// <param name="episodeMoves">Keys and chests: the moves of an instance's episode that has just ended, its last move included.</param>
    public RegretScorer(Split split, double gamma, Func<int, Move[]>? episodeMoves = null)
    {
        baseObjective = split.World.BaseObjective(split);
        collected = ChestOverseer.Plans(baseObjective);
        if (baseObjective.Kind != ObjectiveKind.Reach && !collected)
            throw new UserError($"curriculum.kind regret_replay needs a base objective that is reaching a goal cell or opening chests with keys, but world '{split.World.Name}' rewards '{baseObjective.Name}' (collected); use curriculum.kind: none.");
        if (collected && episodeMoves is null) throw new ArgumentException("on keys and chests the scorer replays each ended episode's moves; pass episodeMoves.", nameof(episodeMoves));
        this.split = split;
        this.episodeMoves = episodeMoves;
        this.gamma = gamma;
    }

    /// <summary>γ^(d−1) for the shortest path of d moves from the start to a goal cell (0 when none is reachable); on keys
    /// and chests the discounted return of the overseer's plan within <paramref name="maxSteps"/> moves.</summary>
    public double OptimalReturn(Level level, int maxSteps = int.MaxValue)
    {
        if (collected) return ChestOverseer.DiscountedReturn(ChestOverseer.Route(level, level.Objects, level.Start, 0, maxSteps).Opened, gamma);
        int n = level.CellCount;
        if (distance.Length < n) { distance = new int[n]; queue = new int[n]; goals = new int[n]; }
        int g = 0;
        for (int c = 0; c < n; c++) if (baseObjective.IsGoal(level, c)) goals[g++] = c;
        if (g == 0) return 0;
        Bfs.Distances(level, goals.AsSpan(0, g), distance, queue);
        int d = distance[level.Start];
        return d == Bfs.Unreachable || d == 0 ? 0 : Math.Pow(gamma, d - 1);
    }

    public double Score(WorldBatch batch, int instance)
    {
        var level = batch.Levels[instance];
        if (collected)
        {
            var moves = episodeMoves!(instance);
            return Math.Max(0, OptimalReturn(level, batch.MaxSteps(instance)) - Return(level, moves));
        }
        double achieved = (batch.FinalEvents[instance] & baseObjective.Event) != 0 ? Math.Pow(gamma, batch.FinalLength[instance] - 1) : 0;
        return Math.Max(0, OptimalReturn(level) - achieved);
    }

    /// <summary>The discounted return Σ γ^(t−1)·r_t of playing <paramref name="moves"/> on <paramref name="level"/> from its start.</summary>
    public double Return(Level level, IReadOnlyList<Move> moves)
    {
        if (replay is null || replay.CanvasWidth < level.Width || replay.CanvasHeight < level.Height)
            replay = new WorldBatch(split, 1, 0, new BatchOptions { AutoReset = false, CanvasWidth = level.Width, CanvasHeight = level.Height });
        replay.ResetInstance(0, level, []);
        double r = 0, g = 1;
        Span<Move> one = stackalloc Move[1];
        foreach (var m in moves)
        {
            one[0] = m;
            replay.Step(one, []);
            r += g * replay.Rewards[0];
            g *= gamma;
            if (replay.Terminated[0] || replay.Truncated[0]) break;
        }
        return r;
    }
}

/// <summary>What a level replay buffer holds, for checkpoints.</summary>
public sealed record LevelReplayState
{
    public long[] Levels { get; init; } = [];
    public double[] Scores { get; init; } = [];
    public long[] LastPlayed { get; init; } = [];
    public bool[] Disambiguating { get; init; } = [];
    public long Tick { get; init; }
    /// <summary>The replay generator's state (base64 of its four words).</summary>
    public string Rng { get; init; } = "";
}

/// <summary>
/// Prioritized level replay (Jiang, Grefenstette and Rocktäschel 2021) as the adversary of regret-based level design:
/// a buffer of up to <c>buffer_size</c> levels with their latest score. When an episode ends its level is scored and
/// kept (a level already buffered takes its new score; a new one fills a free place or replaces the lowest score when
/// it scores higher). The next level is, with probability ρ once the buffer holds <c>min_levels</c>, a buffered level
/// drawn from P = (1 − λ)·P_regret + λ·P_stale with P_regret(i) ∝ (1/rank_i)^(1/β) (rank 1 = highest score, ties in
/// buffer order) and P_stale(i) ∝ ticks since level i was last played; otherwise the next new level. Deterministic
/// from its seed.
/// </summary>
public sealed class LevelReplay : ILevelCurriculum
{
    private const ulong ReplayStream = 0x9E91_AB1E_0000_0003UL;

    private readonly CurriculumSettings settings;
    private readonly ILevelScorer scorer;
    private readonly List<long> levels = [];
    private readonly List<double> scores = [];
    private readonly List<long> lastPlayed = [];
    private readonly List<bool> disambiguating = [];
    private readonly Dictionary<long, int> position = [];
    private long tick;
    private Rng rng;
    private readonly Stopwatch scoring = new();

    public LevelReplay(CurriculumSettings settings, ILevelScorer scorer, ulong seed)
    {
        settings.Validate("curriculum settings");
        this.settings = settings;
        this.scorer = scorer;
        rng = new Rng(seed ^ ReplayStream);
    }

    /// <summary>Levels buffered now.</summary>
    public int Count => levels.Count;

    /// <summary>Episodes scored, episodes started on a replayed level and on a new level, since the last <see cref="TakeCounters"/>.</summary>
    public long Scored { get; private set; }
    public long Replayed { get; private set; }
    public long Fresh { get; private set; }

    /// <summary>The buffered levels with their scores (highest first).</summary>
    public IReadOnlyList<(long Level, double Score)> Buffer =>
        [.. Enumerable.Range(0, levels.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Select(i => (levels[i], scores[i]))];

    /// <summary>Share of buffered levels that were generated as disambiguating (<see cref="Level.Randomized"/>).</summary>
    public double DisambiguatingShare => levels.Count == 0 ? double.NaN : disambiguating.Count(x => x) / (double)levels.Count;

    public long NextLevel(WorldBatch batch, int instance, long fresh)
    {
        scoring.Start();
        double score = scorer.Score(batch, instance);
        scoring.Stop();
        Observe(batch.EpisodeLevelIndex[instance], score, batch.Levels[instance].Randomized);
        return Next(fresh);
    }

    /// <summary>Records a level's latest score.</summary>
    public void Observe(long level, double score, bool isDisambiguating = false)
    {
        Scored++;
        if (position.TryGetValue(level, out int at))
        {
            scores[at] = score;
            return;
        }
        if (levels.Count < settings.BufferSize)
        {
            position[level] = levels.Count;
            levels.Add(level); scores.Add(score); lastPlayed.Add(tick); disambiguating.Add(isDisambiguating);
            return;
        }
        int lowest = 0;
        for (int i = 1; i < scores.Count; i++) if (scores[i] < scores[lowest]) lowest = i;
        if (score <= scores[lowest]) return;
        position.Remove(levels[lowest]);
        position[level] = lowest;
        levels[lowest] = level; scores[lowest] = score; lastPlayed[lowest] = tick; disambiguating[lowest] = isDisambiguating;
    }

    /// <summary>The next level: a buffered one (replay) or <paramref name="fresh"/>.</summary>
    public long Next(long fresh)
    {
        tick++;
        if (levels.Count < settings.MinLevels || rng.NextDouble() >= settings.ReplayProbability)
        {
            Fresh++;
            return fresh;
        }
        var p = ReplayDistribution();
        double u = rng.NextDouble(), cum = 0;
        int pick = p.Length - 1;
        for (int i = 0; i < p.Length; i++)
        {
            cum += p[i];
            if (u < cum) { pick = i; break; }
        }
        lastPlayed[pick] = tick;
        Replayed++;
        return levels[pick];
    }

    /// <summary>P = (1 − λ)·P_regret + λ·P_stale over the buffered levels, in buffer order.</summary>
    public double[] ReplayDistribution()
    {
        int n = levels.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var byRank = new double[n];
        for (int r = 0; r < n; r++) byRank[order[r]] = Math.Pow(1.0 / (r + 1), 1.0 / settings.Temperature);
        double rankSum = byRank.Sum();
        var stale = new double[n];
        for (int i = 0; i < n; i++) stale[i] = tick - lastPlayed[i];
        double staleSum = stale.Sum();
        var p = new double[n];
        for (int i = 0; i < n; i++)
            p[i] = (1 - settings.Staleness) * byRank[i] / rankSum + settings.Staleness * (staleSum > 0 ? stale[i] / staleSum : 1.0 / n);
        return p;
    }

    /// <summary>Counters since the last call (episodes scored, replayed and new; seconds spent scoring), then zeroed.</summary>
    public (long Scored, long Replayed, long Fresh, double ScoreSeconds) TakeCounters()
    {
        var c = (Scored, Replayed, Fresh, scoring.Elapsed.TotalSeconds);
        Scored = Replayed = Fresh = 0;
        scoring.Reset();
        return c;
    }

    public LevelReplayState SaveState() => new()
    {
        Levels = [.. levels],
        Scores = [.. scores],
        LastPlayed = [.. lastPlayed],
        Disambiguating = [.. disambiguating],
        Tick = tick,
        Rng = Convert.ToBase64String(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref rng, 1))),
    };

    public void LoadState(LevelReplayState s)
    {
        levels.Clear(); scores.Clear(); lastPlayed.Clear(); disambiguating.Clear(); position.Clear();
        for (int i = 0; i < s.Levels.Length; i++)
        {
            position[s.Levels[i]] = i;
            levels.Add(s.Levels[i]); scores.Add(s.Scores[i]); lastPlayed.Add(s.LastPlayed[i]); disambiguating.Add(s.Disambiguating[i]);
        }
        tick = s.Tick;
        rng = MemoryMarshal.Read<Rng>(Convert.FromBase64String(s.Rng));
    }
}
