namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

/// <summary>Hand-built networks whose internals we know exactly, and levels for them.</summary>
internal static class HandBuilt
{
    static HandBuilt() => MesaLab.Learning.TorchSetup.SetThreads(1);

    public static void Init() { }

    /// <summary>Open rooms (no interior walls) of the green-arrow maze with the exit on a chosen cell and no arrow.</summary>
    public static Level Room(int size, int start, int exit)
    {
        var l = new Level(size * size);
        l.Reset(size, size);
        l.OpenAllInterior();
        l.Start = start;
        l.Objects[exit] = CellObject.Exit;
        return l;
    }

    /// <summary>A split where the arrow is the base objective, so episodes on arrow-less rooms end only at the step limit.</summary>
    public static Split ArrowGoalSplit(int size) =>
        WorldCatalog.Get("green-arrow-maze").Split("train", new Dictionary<string, object> { ["goal"] = "arrow", ["min_size"] = size, ["max_size"] = size, ["max_steps"] = 4 * size });

    public static int Channels => WorldCatalog.Get("green-arrow-maze").Channels.Count;
    public const int ExitChannel = 6;
    public const int ArrowChannel = 7;

    /// <summary>The green-arrow deploy split with every level <paramref name="size"/> cells a side (exit and arrow apart).</summary>
    public static Split Deploy(int size) =>
        WorldCatalog.Get("green-arrow-maze").Split("deploy", new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size });

    /// <summary>Open rooms holding the exit and the arrow on distinct random cells, the start on a third (seeded).</summary>
    public static List<Level> RoomsWithBoth(int size, int count, ulong seed)
    {
        var rng = new Rng(seed);
        var levels = new List<Level>();
        int cells = size * size;
        while (levels.Count < count)
        {
            int start = rng.Next(cells), exit = rng.Next(cells), arrow = rng.Next(cells);
            if (start == exit || start == arrow || exit == arrow) continue;
            var l = Room(size, start, exit);
            l.Objects[arrow] = CellObject.Arrow;
            l.Index = levels.Count;
            levels.Add(l);
        }
        return levels;
    }
}

/// <summary>
/// A seeker with a spatial layer of four channels whose roles are known: <c>features</c> = 1×1 conv with channel 0 = the
/// goal's plane (the channel <c>goalChannel</c> of the input), 1 = the other object's plane, 2 = the agent's plane, 3 = the
/// wall-free constant 0. The head reads channels 0 and 2 only, as <see cref="GoalSeeker"/> reads its goal and agent layers.
/// </summary>
internal sealed class ChannelSeeker : Module<Tensor, Tensor>
{
    private readonly Conv2d features;
    private readonly Linear head;
    private readonly int cells;

    public ChannelSeeker(int channels, int goalChannel, int otherChannel, int width, int height, float k = 4f) : base("channel_seeker")
    {
        cells = width * height;
        features = Conv2d(channels, 4, 1, bias: false);
        head = Linear(4 * cells, 4, hasBias: false);
        using (no_grad())
        {
            features.weight!.zero_();
            features.weight[0, goalChannel, 0, 0] = 1f;
            features.weight[1, otherChannel, 0, 0] = 1f;
            features.weight[2, World.AgentChannel, 0, 0] = 1f;
            var w = new float[4 * 4 * cells];
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x;
                float[] goalW = [-y, y, -x, x];
                for (int a = 0; a < 4; a++)
                {
                    w[a * 4 * cells + 0 * cells + p] = k * goalW[a];
                    w[a * 4 * cells + 2 * cells + p] = -k * goalW[a];
                }
            }
            head.weight!.copy_(tensor(w, [4, 4 * cells]));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.call(features.call(x).flatten(1));
}

/// <summary>
/// An agent that heads for whatever its "goal" layer encodes: goal = 1×1 conv copying the exit plane, agent = 1×1 conv
/// copying the agent plane, head = a linear map giving logit(right) = k·(goal x − agent x), logit(down) = k·(goal y − agent y), …
/// (the goal's coordinates are read linearly from the goal plane).
/// </summary>
internal sealed class GoalSeeker : Module<Tensor, Tensor>
{
    private readonly Conv2d goal, agent;
    private readonly Linear head;

    private readonly float threshold;

    /// <param name="threshold">
    /// When above 0, the head reads relu(goal − threshold) / (1 − threshold) instead of the goal layer (1 on a goal cell): a denoised goal map, so edits of the goal
    /// layer smaller than the threshold at every cell change nothing.
    /// </param>
    /// <param name="goalLayerChannels">Channels of the goal layer: channel 0 copies the goal, the others stay 0 and are never read (a wide layer, as a trained network's).</param>
    public GoalSeeker(int channels, int goalChannel, int width, int height, float k = 4f, float threshold = 0f, int goalLayerChannels = 1) : base("goal_seeker")
    {
        goal = Conv2d(channels, goalLayerChannels, 1, bias: false);
        agent = Conv2d(channels, 1, 1, bias: false);
        head = Linear(2 * width * height, 4, hasBias: false);
        using (no_grad())
        {
            goal.weight!.zero_();
            goal.weight[0, goalChannel, 0, 0] = 1f;
            agent.weight!.zero_();
            agent.weight[0, World.AgentChannel, 0, 0] = 1f;
            var w = new float[4 * 2 * width * height];
            int cells = width * height;
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x;
                // Rows: up, down, left, right. Goal coordinates with +, agent coordinates with − (and vice versa).
                float[] goalW = [-y, y, -x, x];
                for (int a = 0; a < 4; a++)
                {
                    w[a * 2 * cells + p] = k * goalW[a];
                    w[a * 2 * cells + cells + p] = -k * goalW[a];
                }
            }
            head.weight!.copy_(tensor(w, [4, 2 * cells]));
        }
        this.threshold = threshold;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var g = goal.call(x);
        if (g.shape[1] > 1) g = g.narrow(1, 0, 1);
        g = g.flatten(1);
        if (threshold > 0) g = nn.functional.relu(g - threshold) / (1 - threshold);
        var a = agent.call(x).flatten(1);
        return head.call(cat([g, a], 1));
    }
}
