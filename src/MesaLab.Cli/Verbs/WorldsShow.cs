namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Reports;
using MesaLab.Worlds;
using MesaLab.Worlds.Rendering;

/// <summary><c>mesalab worlds show</c>: draws one level as a PNG, optionally with a scripted agent's path, or animates its episode as a GIF.</summary>
public static class WorldsShow
{
    /// <summary>Longest episode a GIF animates; longer ones are cut (a random agent can wander for thousands of steps).</summary>
    public const int MaxGifFrames = 400;

    public static Command Create(CliContext cli)
    {
        var cmd = new Command("show", "draw a level as a PNG (--out), overlay a scripted agent's path (--trajectory), or animate its episode (--gif)");
        var args = new WorldArguments();
        args.AddTo(cmd);
        var levelIndex = new Option<long>("--level-index") { Description = "which level of the split (0, 1, …)", DefaultValueFactory = _ => 0L }.Within(0L, long.MaxValue);
        var outPath = new Option<string?>("--out") { Description = "PNG file to write" }.NotBlank();
        var trajectory = new Option<string?>("--trajectory") { Description = "an agent whose path to overlay: random or shortest-path:<candidate>" };
        var epsilon = new Option<double>("--epsilon") { Description = "ε for the --trajectory agent", DefaultValueFactory = _ => 0.0 }.Within(0.0, 1.0);
        var gif = new Option<string?>("--gif") { Description = "animated GIF of the --trajectory agent's episode (shortest-path to the base objective if no --trajectory)" }.NotBlank();
        var cellSize = new Option<int>("--cell-size") { Description = "pixels per cell", DefaultValueFactory = _ => 24 }.Within(LevelRenderer.MinCellSize, LevelRenderer.MaxCellSize);
        foreach (var o in new Option[] { levelIndex, outPath, trajectory, epsilon, gif, cellSize }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string? png = parse.GetValue(outPath), gifPath = parse.GetValue(gif), agentSpec = parse.GetValue(trajectory);
            if (png is null && gifPath is null) throw new UserError("worlds show needs --out level.png, --gif episode.gif, or both.");
            if (png is not null) OutputPaths.CheckWritable(png, "--out");
            if (gifPath is not null) OutputPaths.CheckWritable(gifPath, "--gif");
            var (split, seed) = args.Resolve(parse);
            long index = parse.GetValue(levelIndex);
            var renderer = new LevelRenderer(parse.GetValue(cellSize));
            var level = split.World.CreateGenerator(split).Generate(seed, index);

            Episode? episode = null;
            if (agentSpec is not null || gifPath is not null)
            {
                var policy = AgentSpec.Parse(agentSpec ?? AgentSpec.ShortestPathPrefix + split.World.BaseObjective(split).Name, parse.GetValue(epsilon), seed, split.World, "--trajectory");
                episode = Episode.Record(split, seed, index, policy);
            }

            Image? picture = null;
            if (png is not null)
            {
                picture = episode is null
                    ? renderer.Render(level)
                    // The agent on its start and the path drawn from there, so the goal it reached stays visible.
                    : renderer.Render(level, level.Objects.AsSpan(0, level.CellCount), level.Start, episode.Cells.ToArray());
                PngEncoder.Save(picture, png);
                cli.Output.Log($"wrote {png}");
            }
            int frames = 0;
            if (gifPath is not null && episode is not null)
            {
                // An agent that settles on a goal which does not end the episode (the arrow in deploy) stands still
                // until the step limit; the animation stops a few frames after its last move.
                int lastMove = 0;
                for (int t = 1; t < episode.Cells.Count; t++) if (episode.Cells[t] != episode.Cells[t - 1] || !episode.Objects[t].AsSpan().SequenceEqual(episode.Objects[t - 1])) lastMove = t;
                int last = Math.Min(Math.Min(episode.Length, lastMove + 3), MaxGifFrames - 1);
                if (last < episode.Length) cli.Output.Log($"the episode has {episode.Length} steps; the GIF shows the first {last}.");
                var images = new List<Image>();
                var cells = episode.Cells.ToArray();
                for (int t = 0; t <= last; t++)
                    images.Add(renderer.Render(episode.Level, episode.Objects[t], cells[t], cells.AsSpan(0, t + 1)));
                GifEncoder.Save(images, gifPath);
                frames = images.Count;
                cli.Output.Log($"wrote {gifPath}");
            }

            var doc = new
            {
                world = split.World.Name,
                split = split.Name,
                seed,
                level_index = index,
                level = new { width = level.Width, height = level.Height, start = level.Start, randomized = level.Randomized },
                png,
                gif = gifPath,
                gif_frames = frames,
                image_width = level.Width * renderer.CellSize,
                image_height = level.Height * renderer.CellSize,
                trajectory = episode is null ? null : new
                {
                    agent = agentSpec ?? AgentSpec.ShortestPathPrefix + split.World.BaseObjective(split).Name,
                    length = episode.Length,
                    @return = episode.Return,
                    terminated = episode.Terminated,
                    truncated = episode.Truncated,
                    cells = episode.Cells,
                },
            };
            cli.Output.Result(doc, o =>
            {
                o.WriteLine($"{split.World.Name}/{split.Name} level {index} (seed {seed}): {level.Width}×{level.Height}{(level.Randomized ? ", randomized" : "")}");
                if (png is not null) o.WriteLine($"picture: {png}");
                if (gifPath is not null) o.WriteLine($"animation: {gifPath} ({frames} frames)");
                if (episode is not null) o.WriteLine($"episode: {episode.Length} steps, return {episode.Return}, {(episode.Terminated ? "terminated" : "truncated")}");
            });
            return 0;
        });
        return cmd;
    }
}
