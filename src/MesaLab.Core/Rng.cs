namespace MesaLab.Core;

using System.Runtime.CompilerServices;

/// <summary>
/// xoshiro256** — a small, fast, deterministic generator. All randomness in MesaLab worlds flows from
/// explicit seeds through this type, never from a global or time-based source.
/// </summary>
public struct Rng
{
    private ulong s0, s1, s2, s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>A generator for one level: a pure function of (seed, stream, index).</summary>
    public static Rng ForLevel(ulong seed, ulong stream, long levelIndex) =>
        new(Mix(Mix(seed ^ 0x9E3779B97F4A7C15UL) ^ Mix(stream + 0x632BE59BD9B4E019UL) ^ (ulong)levelIndex * 0xD1B54A32D192ED03UL));

    /// <summary>A stable 64-bit hash of a string (for deriving streams from names).</summary>
    public static ulong Hash(string text)
    {
        ulong h = 1469598103934665603UL;
        foreach (char c in text) { h ^= c; h *= 1099511628211UL; }
        return Mix(h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextULong()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, n) by Lemire's multiply-shift (n ≥ 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int n) => (int)(((NextULong() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>Uniform integer in [lo, hi] inclusive.</summary>
    public int NextInclusive(int lo, int hi) => lo + Next(hi - lo + 1);

    /// <summary>Uniform double in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
