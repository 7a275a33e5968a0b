namespace MesaLab.Worlds;

using System.Runtime.CompilerServices;

/// <summary>
/// A batch of level instances stepped together. State is struct-of-arrays; stepping allocates nothing;
/// everything is a function of (seed, level index) and the moves taken. Observations are written
/// incrementally into a caller-owned buffer of <c>Count × Channels × CanvasHeight × CanvasWidth</c>
/// floats: the caller must hand the same, unmodified buffer to every call (or an empty span to skip
/// observations entirely, as scripted agents and evaluation do).
/// </summary>
public sealed class WorldBatch
{
    private readonly LevelGenerator generator;
    private readonly CandidateObjective baseObjective;
    private readonly CellObject[][] live;
    private readonly int[] objectChannelOf = new int[16];
    private readonly int channelCount;
    private readonly int inventoryChannel;
    private readonly int[] maxSteps;
    private readonly bool[] needsFullObservation;
    private readonly int[] baseObjectsLeft; // live Counted objects of a Collect base objective, so "all collected" needs no scan
    private readonly bool baseCollects;
    private readonly WorldRules rules;
    private readonly CellObject inventoryObject;
    private readonly bool hasActors; // the world shows a partner or monsters, so episodes may have moving objects
    private readonly ulong monsterStream;
    private readonly int[] beaconProgress;        // beacons activated in the intended order
    private readonly int[] partnerOrderProgress;  // beacons of the partner's order visited in that order by the agent
    private readonly int[] partnerTarget;         // index into the level's PartnerOrder the partner walks to
    private readonly int[][] partnerMap;          // distance to the partner's target, per instance (allocated on first use)
    private readonly int[][] monsterCells;        // live monsters' cells, per instance (grown on first use)
    private readonly Rng[] monsterRng;            // per episode, from the level's seed and index
    private int[] chaseMap = [], scratchQueue = [];
    private long nextLevelIndex;

    public WorldBatch(Split split, int count, ulong seed, BatchOptions? options = null)
        : this(split.World.CreateGenerator(split), count, seed, options) { }

    public WorldBatch(LevelGenerator generator, int count, ulong seed, BatchOptions? options = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "a batch needs at least one instance.");
        this.generator = generator;
        Options = options ?? new BatchOptions();
        Seed = seed;
        Count = count;
        World = generator.World;
        Split = generator.Split;
        baseObjective = World.BaseObjective(Split);
        baseCollects = baseObjective.Kind == ObjectiveKind.Collect;
        rules = World.Rules(Split);
        inventoryObject = World.InventoryObject;
        hasActors = World.ObjectChannels.Any(o => (o.Object & (CellObject.Partner | CellObject.Monster)) != 0);
        monsterStream = Rng.Hash(World.Name + "/monsters");
        CanvasWidth = Math.Max(Options.CanvasWidth, generator.MaxWidth);
        CanvasHeight = Math.Max(Options.CanvasHeight, generator.MaxHeight);
        channelCount = World.Channels.Count;
        inventoryChannel = World.HasInventoryChannel ? channelCount - 1 : -1;
        Array.Fill(objectChannelOf, -1);
        var hidden = World.HiddenObjects(Split);
        for (int i = 0; i < World.ObjectChannels.Count; i++)
            if ((World.ObjectChannels[i].Object & hidden) == 0)
                objectChannelOf[System.Numerics.BitOperations.Log2((uint)World.ObjectChannels[i].Object)] = World.CommonChannels.Count + i;

        int cap = generator.MaxWidth * generator.MaxHeight;
        Levels = new Level[count];
        live = new CellObject[count][];
        for (int i = 0; i < count; i++) { Levels[i] = new Level(cap); live[i] = new CellObject[cap]; }
        AgentCell = new int[count];
        StepCount = new int[count];
        KeysHeld = new int[count];
        ShieldsHeld = new int[count];
        PartnerCell = new int[count];
        MonsterCount = new int[count];
        beaconProgress = new int[count];
        partnerOrderProgress = new int[count];
        partnerTarget = new int[count];
        partnerMap = new int[count][];
        monsterCells = new int[count][];
        monsterRng = new Rng[count];
        Rewards = new float[count];
        Terminated = new bool[count];
        Truncated = new bool[count];
        EpisodeInTrial = new int[count];
        if (Options.EpisodesPerTrial < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.EpisodesPerTrial, "a trial has at least one episode.");
        Events = new StepEvents[count];
        EpisodeReturn = new float[count];
        EpisodeLength = new int[count];
        EpisodeEvents = new StepEvents[count];
        EpisodeLevelIndex = new long[count];
        FinalReturn = new float[count];
        FinalLength = new int[count];
        FinalEvents = new StepEvents[count];
        maxSteps = new int[count];
        needsFullObservation = new bool[count];
        baseObjectsLeft = new int[count];
        OffsetX = new int[count];
        OffsetY = new int[count];
        nextLevelIndex = Options.FirstLevelIndex;
    }

    public World World { get; }
    public Split Split { get; }
    public BatchOptions Options { get; }
    public ulong Seed { get; }
    public int Count { get; }
    public int CanvasWidth { get; }
    public int CanvasHeight { get; }
    public int Channels => channelCount;

    /// <summary>Floats per instance in the observation buffer.</summary>
    public int ObservationSize => channelCount * CanvasWidth * CanvasHeight;

    /// <summary>The current level of each instance, as generated (objects consumed during the episode are not removed here).</summary>
    public Level[] Levels { get; }

    /// <summary>Objects on each cell now (keys and chests disappear as they are used).</summary>
    public ReadOnlySpan<CellObject> LiveObjects(int instance) => live[instance].AsSpan(0, Levels[instance].CellCount);

    public int[] AgentCell { get; }
    public int[] StepCount { get; }
    public int[] KeysHeld { get; }
    public int[] ShieldsHeld { get; }

    /// <summary>The partner's cell in each instance, or −1 where the level has no partner.</summary>
    public int[] PartnerCell { get; }

    /// <summary>Monsters still in play in each instance.</summary>
    public int[] MonsterCount { get; }

    /// <summary>The cells of instance <paramref name="i"/>'s monsters still in play.</summary>
    public ReadOnlySpan<int> MonsterCells(int i) => monsterCells[i] is { } m ? m.AsSpan(0, MonsterCount[i]) : [];

    /// <summary>Where each level sits on the canvas.</summary>
    public int[] OffsetX { get; }
    public int[] OffsetY { get; }

    // Results of the last Step, one entry per instance.
    public float[] Rewards { get; }
    public bool[] Terminated { get; }
    public bool[] Truncated { get; }
    public StepEvents[] Events { get; }

    /// <summary>
    /// Per instance: how many episodes of its current trial it has finished on the current level (0 on the trial's first
    /// episode; see <see cref="BatchOptions.EpisodesPerTrial"/>). After an auto-reset, 0 means a new trial has begun.
    /// </summary>
    public int[] EpisodeInTrial { get; }

    // Running totals of the current episode.
    public float[] EpisodeReturn { get; }
    public int[] EpisodeLength { get; }
    public StepEvents[] EpisodeEvents { get; }
    public long[] EpisodeLevelIndex { get; }

    // Totals of the episode that ended at the last Step (valid where Terminated or Truncated).
    public float[] FinalReturn { get; }
    public int[] FinalLength { get; }
    public StepEvents[] FinalEvents { get; }

    public int MaxSteps(int instance) => maxSteps[instance];

    /// <summary>Starts a new episode in every instance on the next levels and writes the whole observation.</summary>
    public void Reset(Span<float> observations)
    {
        CheckBuffer(observations);
        for (int i = 0; i < Count; i++) ResetInstance(i, NextLevelIndex(), observations);
    }

    /// <summary>Starts a new episode of instance <paramref name="i"/> on a given level index.</summary>
    public void ResetInstance(int i, long levelIndex, Span<float> observations)
    {
        var level = Levels[i];
        generator.Generate(Seed, levelIndex, level);
        BeginEpisode(i, observations);
    }

    /// <summary>Starts a new episode of instance <paramref name="i"/> on a copy of a given level (replays, hand-built levels).</summary>
    public void ResetInstance(int i, Level level, Span<float> observations)
    {
        if (level.Width > CanvasWidth || level.Height > CanvasHeight)
            throw new UserError($"a {level.Width}×{level.Height} level does not fit this batch's {CanvasWidth}×{CanvasHeight} canvas.");
        level.CopyTo(Levels[i]);
        BeginEpisode(i, observations);
    }

    private void BeginEpisode(int i, Span<float> observations)
    {
        var level = Levels[i];
        int n = level.CellCount;
        if (live[i].Length < n) live[i] = new CellObject[n];
        level.Objects.AsSpan(0, n).CopyTo(live[i]);
        if (baseCollects) baseObjectsLeft[i] = level.Count(baseObjective.Counted);
        AgentCell[i] = level.Start;
        StepCount[i] = 0;
        KeysHeld[i] = 0;
        ShieldsHeld[i] = 0;
        beaconProgress[i] = 0;
        partnerOrderProgress[i] = 0;
        PartnerCell[i] = -1;
        MonsterCount[i] = 0;
        if (hasActors) BeginActors(i);
        EpisodeReturn[i] = 0;
        EpisodeLength[i] = 0;
        EpisodeEvents[i] = StepEvents.None;
        EpisodeLevelIndex[i] = level.Index;
        maxSteps[i] = generator.MaxSteps(level);
        OffsetX[i] = (CanvasWidth - level.Width) / 2;
        OffsetY[i] = (CanvasHeight - level.Height) / 2;
        if (observations.IsEmpty) needsFullObservation[i] = true;
        else WriteObservation(i, observations);
    }

    /// <summary>
    /// Makes instance <paramref name="to"/> a copy of instance <paramref name="from"/> of <paramref name="source"/> (a
    /// batch of the same world and canvas) in the middle of its episode: the level, the objects left, the agent's cell,
    /// the items held and the step count, and writes its whole observation. Stepping the copy then simulates the world's
    /// rules from that state without touching the source. Worlds with moving actors (a partner, monsters) are not copied.
    /// </summary>
    public void CopyInstance(WorldBatch source, int from, int to, Span<float> observations)
    {
        if (source.World != World || source.CanvasWidth != CanvasWidth || source.CanvasHeight != CanvasHeight)
            throw new ArgumentException("instances are copied between batches of the same world and canvas.", nameof(source));
        if (hasActors) throw new NotSupportedException($"world '{World.Name}' has moving actors, whose state is not copied.");
        CheckBuffer(observations);
        var level = source.Levels[from];
        level.CopyTo(Levels[to]);
        int n = level.CellCount;
        if (live[to].Length < n) live[to] = new CellObject[n];
        source.live[from].AsSpan(0, n).CopyTo(live[to]);
        baseObjectsLeft[to] = source.baseObjectsLeft[from];
        AgentCell[to] = source.AgentCell[from];
        StepCount[to] = source.StepCount[from];
        KeysHeld[to] = source.KeysHeld[from];
        ShieldsHeld[to] = source.ShieldsHeld[from];
        beaconProgress[to] = source.beaconProgress[from];
        partnerOrderProgress[to] = source.partnerOrderProgress[from];
        PartnerCell[to] = -1;
        MonsterCount[to] = 0;
        EpisodeInTrial[to] = source.EpisodeInTrial[from];
        EpisodeReturn[to] = 0;
        EpisodeLength[to] = source.EpisodeLength[from];
        EpisodeEvents[to] = StepEvents.None;
        EpisodeLevelIndex[to] = source.EpisodeLevelIndex[from];
        Rewards[to] = 0;
        Events[to] = StepEvents.None;
        Terminated[to] = false;
        Truncated[to] = false;
        maxSteps[to] = source.maxSteps[from];
        OffsetX[to] = source.OffsetX[from];
        OffsetY[to] = source.OffsetY[from];
        if (observations.IsEmpty) needsFullObservation[to] = true;
        else WriteObservation(to, observations);
    }

    /// <summary>
    /// The level index the next automatic reset hands out. Checkpoints save it and set it back, so a
    /// resumed training run draws the same level sequence as an uninterrupted one.
    /// </summary>
    public long NextLevel
    {
        get => nextLevelIndex;
        set => nextLevelIndex = value;
    }

    /// <summary>
    /// Restores an episode in progress: starts instance <paramref name="i"/> on level <paramref name="levelIndex"/>
    /// and applies <paramref name="moves"/> (which must not end the episode). Running totals, live objects and
    /// the observation come out exactly as they were when those moves were first taken.
    /// </summary>
    public void ReplayInstance(int i, long levelIndex, ReadOnlySpan<Move> moves, Span<float> observations)
    {
        CheckBuffer(observations);
        ResetInstance(i, levelIndex, observations);
        bool writeObs = !observations.IsEmpty;
        for (int t = 0; t < moves.Length; t++)
        {
            StepInstance(i, moves[t], observations, writeObs, autoReset: false);
            if (Terminated[i] || Truncated[i])
                throw new ArgumentException($"move {t} of the replay ends the episode on level {levelIndex}; only episodes in progress can be replayed.", nameof(moves));
        }
    }

    /// <summary>The level after instance <paramref name="i"/>'s episode ended: the curriculum's choice, or the next of the sequence.</summary>
    private long NextEpisodeLevel(int i)
    {
        if (Options.Curriculum is not { } curriculum) return NextLevelIndex();
        long fresh = Wrap(nextLevelIndex);
        long chosen = curriculum.NextLevel(this, i, fresh);
        if (chosen == fresh) nextLevelIndex++;
        return chosen;
    }

    private long Wrap(long idx) => Options.LevelCount > 0 ? Options.FirstLevelIndex + (idx - Options.FirstLevelIndex) % Options.LevelCount : idx;

    private long NextLevelIndex()
    {
        long idx = nextLevelIndex++;
        return Options.LevelCount > 0 ? Options.FirstLevelIndex + (idx - Options.FirstLevelIndex) % Options.LevelCount : idx;
    }

    /// <summary>Applies one move per instance; fills <see cref="Rewards"/>, <see cref="Terminated"/>, <see cref="Truncated"/>, <see cref="Events"/>.</summary>
    public void Step(ReadOnlySpan<Move> moves, Span<float> observations)
    {
        if (moves.Length < Count) throw new ArgumentException($"expected {Count} moves, got {moves.Length}.", nameof(moves));
        CheckBuffer(observations);
        bool writeObs = !observations.IsEmpty;
        for (int i = 0; i < Count; i++)
        {
            if (writeObs && needsFullObservation[i]) WriteObservation(i, observations);
            StepInstance(i, moves[i], observations, writeObs);
        }
    }

    /// <summary>Applies one move to instance <paramref name="i"/> alone (no automatic reset when its episode ends); fills its entries of <see cref="Rewards"/>, <see cref="Terminated"/>, <see cref="Truncated"/>, <see cref="Events"/>.</summary>
    public void StepOne(int i, Move move, Span<float> observations)
    {
        CheckBuffer(observations);
        bool writeObs = !observations.IsEmpty;
        if (writeObs && needsFullObservation[i]) WriteObservation(i, observations);
        StepInstance(i, move, observations, writeObs, autoReset: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StepInstance(int i, Move move, Span<float> observations, bool writeObs, bool autoReset = true)
    {
        var level = Levels[i];
        var objects = live[i];
        int from = AgentCell[i];
        int to = level.Neighbor(from, move);
        var ev = StepEvents.None;
        float reward = 0;
        bool terminated = false;
        int plane = CanvasWidth * CanvasHeight;
        int obsBase = i * ObservationSize;

        if (to == from) ev |= StepEvents.BumpedWall;
        else if (writeObs)
        {
            observations[obsBase + World.AgentChannel * plane + CanvasIndex(i, from)] = 0f;
            observations[obsBase + World.AgentChannel * plane + CanvasIndex(i, to)] = 1f;
        }
        AgentCell[i] = to;

        var here = objects[to];
        if (here != CellObject.None)
        {
            if ((here & CellObject.Exit) != 0) ev |= StepEvents.ReachedExit;
            if ((here & CellObject.Arrow) != 0) ev |= StepEvents.SteppedOnArrow;
            if ((here & CellObject.Cheese) != 0) ev |= StepEvents.ReachedCheese;
            if ((here & CellObject.Marked) != 0) ev |= StepEvents.SteppedOnMarked;
            if ((here & CellObject.Dish) != 0) ev |= StepEvents.ReachedDish;
            if ((here & CellObject.Key) != 0)
            {
                ev |= StepEvents.PickedKey;
                KeysHeld[i]++;
                Remove(i, to, CellObject.Key, observations, writeObs);
                if (writeObs && inventoryChannel >= 0) WriteInventory(i, observations);
            }
            else if ((here & CellObject.Chest) != 0 && KeysHeld[i] > 0)
            {
                ev |= StepEvents.OpenedChest;
                KeysHeld[i]--;
                Remove(i, to, CellObject.Chest, observations, writeObs);
                if (writeObs && inventoryChannel >= 0) WriteInventory(i, observations);
            }
            if ((here & CellObject.Apple) != 0)
            {
                ev |= StepEvents.PickedApple;
                Remove(i, to, CellObject.Apple, observations, writeObs);
            }
            if ((here & CellObject.Shield) != 0)
            {
                ev |= StepEvents.PickedShield;
                ShieldsHeld[i]++;
                Remove(i, to, CellObject.Shield, observations, writeObs);
                if (writeObs && inventoryChannel >= 0) WriteInventory(i, observations);
            }
            if ((here & (CellObject.Beacon | CellObject.PartnerBeacon)) != 0) EnterBeacon(i, to, here, ref ev, observations, writeObs);
            if ((here & CellObject.Lava) != 0)
            {
                ev |= StepEvents.EnteredLava;
                terminated = true;
            }
            if ((here & CellObject.Monster) != 0) MeetMonster(i, to, ref ev, observations, writeObs);
        }
        if (to == level.Corner) ev |= StepEvents.ReachedCorner;

        bool achieved = (ev & baseObjective.Event) != 0;
        if (achieved && (!baseCollects || baseObjectsLeft[i] == 0)) terminated = true;
        if (hasActors && !terminated)
        {
            if (PartnerCell[i] >= 0) MovePartner(i, observations, writeObs);
            if (MonsterCount[i] > 0)
            {
                MoveMonsters(i, observations, writeObs);
                if ((objects[to] & CellObject.Monster) != 0) MeetMonster(i, to, ref ev, observations, writeObs);
            }
        }
        if ((ev & PenalizedEvents) != 0) reward -= rules.Penalty(ev);
        if (achieved) reward += 1f;

        int steps = ++StepCount[i];
        bool truncated = !terminated && steps >= maxSteps[i];
        if (truncated) ev |= StepEvents.StepLimit;

        Rewards[i] = reward;
        Events[i] = ev;
        Terminated[i] = terminated;
        Truncated[i] = truncated;
        EpisodeReturn[i] += reward;
        EpisodeLength[i] = steps;
        EpisodeEvents[i] |= ev;

        if (terminated || truncated)
        {
            FinalReturn[i] = EpisodeReturn[i];
            FinalLength[i] = EpisodeLength[i];
            FinalEvents[i] = EpisodeEvents[i];
            if (Options.AutoReset && autoReset)
            {
                // A trial replays its level (a pure function of seed and index) until it has had all its episodes.
                if (++EpisodeInTrial[i] < Options.EpisodesPerTrial) ResetInstance(i, Levels[i].Index, observations);
                else
                {
                    EpisodeInTrial[i] = 0;
                    ResetInstance(i, NextEpisodeLevel(i), observations);
                }
            }
        }
    }

    /// <summary>Events whose step costs a penalty (<see cref="WorldRules.Penalty"/>).</summary>
    private const StepEvents PenalizedEvents = StepEvents.EnteredLava | StepEvents.HitByMonster | StepEvents.BeaconOutOfOrder;

    /// <summary>Takes <paramref name="obj"/> (one or more flags, all present) off a cell, keeping the count and the observation current.</summary>
    private void Remove(int i, int cell, CellObject obj, Span<float> observations, bool writeObs)
    {
        live[i][cell] &= ~obj;
        if (baseCollects && (obj & baseObjective.Counted) != 0) baseObjectsLeft[i]--;
        if (writeObs) SetPixels(i, cell, obj, 0f, observations);
    }

    /// <summary>Puts <paramref name="obj"/> (absent there) on a cell, keeping the count and the observation current.</summary>
    private void Place(int i, int cell, CellObject obj, Span<float> observations, bool writeObs)
    {
        live[i][cell] |= obj;
        if (baseCollects && (obj & baseObjective.Counted) != 0) baseObjectsLeft[i]++;
        if (writeObs) SetPixels(i, cell, obj, 1f, observations);
    }

    private void SetPixels(int i, int cell, CellObject obj, float value, Span<float> observations)
    {
        int plane = CanvasWidth * CanvasHeight;
        int p = i * ObservationSize + CanvasIndex(i, cell);
        for (uint bits = (uint)obj; bits != 0; bits &= bits - 1)
        {
            int ch = objectChannelOf[System.Numerics.BitOperations.TrailingZeroCount(bits)];
            if (ch >= 0) observations[p + ch * plane] = value;
        }
    }

    /// <summary>
    /// The agent entered a beacon cell: the next beacon of the intended order is activated (it disappears and the
    /// marker moves on), any other beacon not yet activated is out of order; independently, the partner-order marker
    /// moves on when the agent enters the next beacon of the partner's order.
    /// </summary>
    private void EnterBeacon(int i, int cell, CellObject here, ref StepEvents ev, Span<float> observations, bool writeObs)
    {
        var level = Levels[i];
        if ((here & CellObject.Beacon) != 0)
        {
            if ((here & CellObject.NextBeacon) != 0)
            {
                ev |= StepEvents.BeaconInOrder;
                Remove(i, cell, CellObject.Beacon | CellObject.NextBeacon, observations, writeObs);
                int k = ++beaconProgress[i];
                if (k < level.BeaconCount) Place(i, level.BeaconOrder[k], CellObject.NextBeacon, observations, writeObs);
            }
            else ev |= StepEvents.BeaconOutOfOrder;
        }
        if ((here & CellObject.PartnerBeacon) != 0)
        {
            ev |= StepEvents.PartnerOrderBeacon;
            Remove(i, cell, CellObject.PartnerBeacon, observations, writeObs);
            int j = ++partnerOrderProgress[i];
            if (j < level.BeaconCount) Place(i, level.PartnerOrder[j], CellObject.PartnerBeacon, observations, writeObs);
        }
    }

    /// <summary>A monster shares the agent's cell: a held shield defeats it (both gone), otherwise the agent is hit.</summary>
    private void MeetMonster(int i, int cell, ref StepEvents ev, Span<float> observations, bool writeObs)
    {
        if (ShieldsHeld[i] == 0)
        {
            ev |= StepEvents.HitByMonster;
            return;
        }
        ShieldsHeld[i]--;
        ev |= StepEvents.DefeatedMonster;
        var cells = monsterCells[i];
        int m = MonsterCount[i];
        for (int k = 0; k < m; k++)
        {
            if (cells[k] != cell) continue;
            cells[k] = cells[m - 1];
            MonsterCount[i] = m - 1;
            break;
        }
        Remove(i, cell, CellObject.Monster, observations, writeObs);
        if (writeObs && inventoryChannel >= 0) WriteInventory(i, observations);
    }

    /// <summary>Finds the partner and the monsters of a new episode, and walks the partner its lead.</summary>
    private void BeginActors(int i)
    {
        var level = Levels[i];
        var objects = live[i];
        int n = level.CellCount, monsters = 0;
        for (int c = 0; c < n; c++)
        {
            var o = objects[c];
            if ((o & (CellObject.Partner | CellObject.Monster)) == 0) continue;
            if ((o & CellObject.Partner) != 0) PartnerCell[i] = c;
            if ((o & CellObject.Monster) != 0)
            {
                if (monsterCells[i] is null || monsterCells[i].Length <= monsters) Array.Resize(ref monsterCells[i], Math.Max(4, 2 * monsters));
                monsterCells[i][monsters++] = c;
            }
        }
        MonsterCount[i] = monsters;
        if (monsters > 0) monsterRng[i] = Rng.ForLevel(level.Seed, monsterStream, level.Index);
        if (scratchQueue.Length < n) { scratchQueue = new int[level.Walls.Length]; chaseMap = new int[level.Walls.Length]; }
        if (PartnerCell[i] < 0) return;
        if (partnerMap[i] is null || partnerMap[i].Length < n) partnerMap[i] = new int[level.Walls.Length];
        partnerTarget[i] = 0;
        if (level.BeaconCount > 0) Bfs.Distances(level, new ReadOnlySpan<int>(in level.PartnerOrder[0]), partnerMap[i], scratchQueue);
        for (int k = 0; k < rules.PartnerLead; k++) MovePartner(i, [], writeObs: false);
    }

    /// <summary>
    /// The partner takes one step along a shortest path to the next beacon of its order (the first downhill move in
    /// the order up, down, left, right, so its route is a function of the level alone) and stays once its order is done.
    /// </summary>
    private void MovePartner(int i, Span<float> observations, bool writeObs)
    {
        var level = Levels[i];
        int target = partnerTarget[i];
        if (target >= level.BeaconCount) return;
        int from = PartnerCell[i];
        var map = partnerMap[i];
        int to = Downhill(level, map, from);
        if (to != from)
        {
            Remove(i, from, CellObject.Partner, observations, writeObs);
            Place(i, to, CellObject.Partner, observations, writeObs);
            PartnerCell[i] = to;
        }
        if (to != level.PartnerOrder[target]) return;
        partnerTarget[i] = ++target;
        if (target < level.BeaconCount) Bfs.Distances(level, new ReadOnlySpan<int>(in level.PartnerOrder[target]), map, scratchQueue);
    }

    /// <summary>
    /// Each monster in turn steps towards the agent along a shortest path with probability <see cref="WorldRules.MonsterChase"/>,
    /// else in a uniformly random direction; a wall or another monster in the way keeps it in place.
    /// </summary>
    private void MoveMonsters(int i, Span<float> observations, bool writeObs)
    {
        var level = Levels[i];
        var objects = live[i];
        var cells = monsterCells[i];
        ref var rng = ref monsterRng[i];
        bool mapped = false;
        for (int k = 0; k < MonsterCount[i]; k++)
        {
            int from = cells[k], to;
            if (rng.NextDouble() < rules.MonsterChase)
            {
                if (!mapped)
                {
                    StartChaseMap(level, AgentCell[i]);
                    mapped = true;
                }
                ChaseDistance(level, from);
                to = Downhill(level, chaseMap, from);
            }
            else to = level.Neighbor(from, (Move)rng.Next(Moves.Count));
            if (to == from || (objects[to] & CellObject.Monster) != 0) continue;
            Remove(i, from, CellObject.Monster, observations, writeObs);
            Place(i, to, CellObject.Monster, observations, writeObs);
            cells[k] = to;
        }
    }

    // The distance map to the agent is searched breadth-first only as far as the chasing monsters need: when a cell at
    // distance d is labelled, every cell at distance d − 1 already is, which is all a downhill step reads.
    private int chaseHead, chaseTail;

    private void StartChaseMap(Level level, int agent)
    {
        chaseMap.AsSpan(0, level.CellCount).Fill(Bfs.Unreachable);
        chaseMap[agent] = 0;
        scratchQueue[0] = agent;
        chaseHead = 0;
        chaseTail = 1;
    }

    private void ChaseDistance(Level level, int cell)
    {
        while (chaseMap[cell] == Bfs.Unreachable && chaseHead < chaseTail)
        {
            int c = scratchQueue[chaseHead++];
            int d = chaseMap[c] + 1;
            for (int m = 0; m < Moves.Count; m++)
            {
                int next = level.Neighbor(c, (Move)m);
                if (next == c || chaseMap[next] != Bfs.Unreachable) continue;
                chaseMap[next] = d;
                scratchQueue[chaseTail++] = next;
            }
        }
    }

    /// <summary>The first neighbour (up, down, left, right) one step closer on <paramref name="map"/>, or <paramref name="cell"/> itself at the goal or when none is reachable.</summary>
    private static int Downhill(Level level, int[] map, int cell)
    {
        int d = map[cell];
        if (d == 0 || d == Bfs.Unreachable) return cell;
        for (int m = 0; m < Moves.Count; m++)
        {
            int next = level.Neighbor(cell, (Move)m);
            if (next != cell && map[next] == d - 1) return next;
        }
        return cell;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CanvasIndex(int i, int cell)
    {
        var level = Levels[i];
        int x = cell % level.Width, y = cell / level.Width;
        return (y + OffsetY[i]) * CanvasWidth + x + OffsetX[i];
    }

    private void WriteInventory(int i, Span<float> observations)
    {
        int plane = CanvasWidth * CanvasHeight;
        int held = inventoryObject == CellObject.Shield ? ShieldsHeld[i] : KeysHeld[i];
        float v = Math.Min(1f, held / (float)World.InventoryScale);
        observations.Slice(i * ObservationSize + inventoryChannel * plane, plane).Fill(v);
    }

    /// <summary>Rewrites instance <paramref name="i"/>'s whole observation from its state.</summary>
    public void WriteObservation(int i, Span<float> observations)
    {
        needsFullObservation[i] = false;
        var level = Levels[i];
        int plane = CanvasWidth * CanvasHeight;
        var obs = observations.Slice(i * ObservationSize, ObservationSize);
        obs.Clear();
        // Padding outside the level reads as "walls everywhere, not inside".
        for (int w = 0; w < 4; w++) obs.Slice((World.FirstWallChannel + w) * plane, plane).Fill(1f);
        var objects = live[i];
        int ox = OffsetX[i], oy = OffsetY[i];
        for (int y = 0; y < level.Height; y++)
        for (int x = 0; x < level.Width; x++)
        {
            int cell = y * level.Width + x;
            int p = (y + oy) * CanvasWidth + x + ox;
            obs[World.InsideChannel * plane + p] = 1f;
            byte walls = level.Walls[cell];
            obs[(World.FirstWallChannel + 0) * plane + p] = (walls & Walls.Up) != 0 ? 1f : 0f;
            obs[(World.FirstWallChannel + 1) * plane + p] = (walls & Walls.Down) != 0 ? 1f : 0f;
            obs[(World.FirstWallChannel + 2) * plane + p] = (walls & Walls.Left) != 0 ? 1f : 0f;
            obs[(World.FirstWallChannel + 3) * plane + p] = (walls & Walls.Right) != 0 ? 1f : 0f;
            var o = objects[cell];
            while (o != CellObject.None)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount((uint)o);
                int ch = objectChannelOf[bit];
                if (ch >= 0) obs[ch * plane + p] = 1f;
                o &= (CellObject)~(1 << bit);
            }
        }
        obs[World.AgentChannel * plane + (level.Y(AgentCell[i]) + oy) * CanvasWidth + level.X(AgentCell[i]) + ox] = 1f;
        if (inventoryChannel >= 0) WriteInventory(i, observations);
    }

    private void CheckBuffer(Span<float> observations)
    {
        if (!observations.IsEmpty && observations.Length < Count * ObservationSize)
            throw new ArgumentException($"the observation buffer holds {observations.Length} floats; this batch writes {Count * ObservationSize}.", nameof(observations));
    }
}
