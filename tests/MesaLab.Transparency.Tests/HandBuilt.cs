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

    public GoalSeeker(int channels, int goalChannel, int width, int height, float k = 4f) : base("goal_seeker")
    {
        goal = Conv2d(channels, 1, 1, bias: false);
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
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var g = goal.call(x).flatten(1);
        var a = agent.call(x).flatten(1);
        return head.call(cat([g, a], 1));
    }
}
