namespace MesaLab.Reports.Tests;

using MesaLab.Reports;
using MesaLab.Worlds;
using MesaLab.Worlds.Rendering;

public class PictureEncodingTests
{
    private static (Level Level, LevelRenderer Renderer, Image Image) GreenArrowLevel()
    {
        var split = WorldCatalog.Get("green-arrow-maze").Split("deploy");
        var level = split.World.CreateGenerator(split).Generate(4, 2);
        var r = new LevelRenderer(12);
        return (level, r, r.Render(level));
    }

    [Fact]
    public void Png_decodes_back_to_the_same_size_and_pixels()
    {
        var (level, r, img) = GreenArrowLevel();
        var png = PngEncoder.Encode(img);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4).ToArray());
        var back = PngEncoder.Decode(png);
        Assert.Equal(img.Width, back.Width);
        Assert.Equal(img.Height, back.Height);
        Assert.Equal(img.Pixels, back.Pixels);
        var (ax, ay) = r.Centre(level, level.Find(CellObject.Arrow));
        Assert.Equal(Palette.Arrow, back[ax, ay]);
    }

    [Fact]
    public void Png_is_saved_atomically_to_the_path()
    {
        var (_, _, img) = GreenArrowLevel();
        var dir = Directory.CreateTempSubdirectory("mesalab-png-");
        try
        {
            string path = Path.Combine(dir.FullName, "level.png");
            PngEncoder.Save(img, path);
            PngEncoder.Save(img, path); // overwrite
            Assert.Equal(img.Width, PngEncoder.Decode(File.ReadAllBytes(path)).Width);
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temporary files left behind
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Gif_holds_one_frame_per_step_and_the_frame_size()
    {
        var split = WorldCatalog.Get("lava-shift").Split("train");
        var e = Episode.Record(split, 1, 0, new ShortestPathAgent(CandidateObjective.Exit));
        var r = new LevelRenderer(10);
        var frames = Enumerable.Range(0, e.Length + 1).Select(t => r.Render(e.Level, e.Objects[t], e.Cells[t], e.Cells.Take(t + 1).ToArray())).ToList();
        var gif = GifEncoder.Encode(frames, 100);
        using var decoded = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(gif);
        Assert.Equal(e.Length + 1, decoded.Frames.Count);
        Assert.Equal(frames[0].Width, decoded.Width);
        Assert.Equal(frames[0].Height, decoded.Height);
        // The agent's blue disc moves: the first frame shows it on the start, the last on the exit.
        var (sx, sy) = r.Centre(e.Level, e.Level.Start);
        var p = decoded.Frames[0][sx, sy];
        Assert.True(p.B > 150 && p.R < 100, $"start pixel {p} is not the agent's blue");
    }
}
