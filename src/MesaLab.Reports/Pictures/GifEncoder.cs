namespace MesaLab.Reports;

using MesaLab.Worlds.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using Picture = MesaLab.Worlds.Rendering.Image;

/// <summary>Encodes a sequence of equally sized <see cref="Picture"/>s as a looping animated GIF (ImageSharp 2.x).</summary>
public static class GifEncoder
{
    /// <param name="frames">At least one frame; all the size of the first.</param>
    /// <param name="frameDelayMs">Time each frame shows, in milliseconds (GIF resolution is 10 ms).</param>
    public static byte[] Encode(IReadOnlyList<Picture> frames, int frameDelayMs = 150)
    {
        if (frames.Count == 0) throw new ArgumentException("a GIF needs at least one frame.", nameof(frames));
        int w = frames[0].Width, h = frames[0].Height;
        int delay = Math.Max(1, frameDelayMs / 10);
        using var gif = SixLabors.ImageSharp.Image.LoadPixelData<Rgba32>(frames[0].Pixels, w, h);
        gif.Metadata.GetGifMetadata().RepeatCount = 0;
        gif.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = delay;
        for (int i = 1; i < frames.Count; i++)
        {
            if (frames[i].Width != w || frames[i].Height != h) throw new ArgumentException($"frame {i} is {frames[i].Width}×{frames[i].Height}, not {w}×{h}.", nameof(frames));
            using var frame = SixLabors.ImageSharp.Image.LoadPixelData<Rgba32>(frames[i].Pixels, w, h);
            var added = gif.Frames.AddFrame(frame.Frames.RootFrame);
            added.Metadata.GetGifMetadata().FrameDelay = delay;
        }
        using var ms = new MemoryStream();
        gif.SaveAsGif(ms, new SixLabors.ImageSharp.Formats.Gif.GifEncoder { ColorTableMode = GifColorTableMode.Global });
        return ms.ToArray();
    }

    /// <summary>Writes the animation to <paramref name="path"/> atomically.</summary>
    public static void Save(IReadOnlyList<Picture> frames, string path, int frameDelayMs = 150) => AtomicFile.WriteAllBytes(path, Encode(frames, frameDelayMs));
}
