namespace MesaLab.Reports;

using SkiaSharp;
using MesaLab.Worlds.Rendering;

/// <summary>Encodes and decodes MesaLab <see cref="Image"/>s as PNG (SkiaSharp).</summary>
public static class PngEncoder
{
    public static byte[] Encode(Image image)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels, 0, bitmap.GetPixels(), image.Pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> atomically (temp file, then rename).</summary>
    public static void Save(Image image, string path) => AtomicFile.WriteAllBytes(path, Encode(image));

    /// <summary>Reads a PNG back into an <see cref="Image"/> (tests, comparisons).</summary>
    public static Image Decode(byte[] png)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new InvalidDataException("not a PNG image.");
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var rgba = new SKBitmap(info);
        if (!decoded.CopyTo(rgba, SKColorType.Rgba8888)) throw new InvalidDataException("cannot convert the PNG to RGBA.");
        var image = new Image(decoded.Width, decoded.Height);
        System.Runtime.InteropServices.Marshal.Copy(rgba.GetPixels(), image.Pixels, 0, image.Pixels.Length);
        return image;
    }
}
