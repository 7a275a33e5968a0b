namespace MesaLab.Worlds.Recording;

using System.Buffers.Binary;
using System.Text;

/// <summary>
/// The compact binary form of an <see cref="EpisodeRecord"/>: magic <c>MLEP</c>, a version byte, the
/// header (names as length-prefixed UTF-8, seeds, level index and size, start, return, flags), the step
/// count, actions packed four to a byte, one bit per step for "bumped into a wall", the other events as a
/// sparse list of (step gap, flags) varints, and a CRC-32 of everything before it. Positions are not stored
/// when they follow from the start, the level width, the moves and the bump bits (as they always do for
/// episodes recorded from a world); otherwise they are written as varints. A 40-step maze episode takes
/// about 25 bytes beyond its header.
/// </summary>
public static class EpisodeCodec
{
    public const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "MLEP"u8;

    public static byte[] Encode(EpisodeRecord r)
    {
        int n = r.Actions.Length;
        if (r.Positions.Length != n || r.Events.Length != n)
            throw new ArgumentException($"an episode record needs as many positions ({r.Positions.Length}) and events ({r.Events.Length}) as actions ({n}).");
        var w = new Writer(64 + 4 * n);
        w.Bytes(Magic);
        w.Byte(Version);
        w.String(r.World);
        w.String(r.Split);
        w.String(r.SplitFingerprint);
        w.String(r.Agent);
        w.UInt64(r.Seed);
        w.UInt64(r.LevelSeed);
        w.VarUInt(ZigZag(r.LevelIndex));
        w.VarUInt((ulong)r.LevelWidth);
        w.VarUInt((ulong)r.LevelHeight);
        w.VarUInt((ulong)r.Start);
        w.Single(r.Return);
        bool implicitPositions = PositionsFollow(r.Start, r.LevelWidth, r.Actions, r.Events, r.Positions);
        w.Byte((byte)((r.Terminated ? 1 : 0) | (r.Truncated ? 2 : 0) | (implicitPositions ? 0 : 4)));
        w.VarUInt((ulong)n);
        for (int i = 0; i < n; i += 4)
        {
            int b = 0;
            for (int k = 0; k < 4 && i + k < n; k++) b |= ((int)r.Actions[i + k] & 3) << (2 * k);
            w.Byte((byte)b);
        }
        int others = 0;
        for (int i = 0; i < n; i += 8)
        {
            int b = 0;
            for (int k = 0; k < 8 && i + k < n; k++)
            {
                if ((r.Events[i + k] & StepEvents.BumpedWall) != 0) b |= 1 << k;
                if ((r.Events[i + k] & ~StepEvents.BumpedWall) != 0) others++;
            }
            w.Byte((byte)b);
        }
        w.VarUInt((ulong)others);
        int last = 0;
        for (int i = 0; i < n; i++)
        {
            var e = r.Events[i] & ~StepEvents.BumpedWall;
            if (e == StepEvents.None) continue;
            w.VarUInt((ulong)(i - last));
            w.VarUInt((ulong)e);
            last = i;
        }
        if (!implicitPositions) foreach (int p in r.Positions) w.VarUInt((ulong)p);
        uint crc = Crc32.Compute(w.Written);
        w.UInt32(crc);
        return w.ToArray();
    }

    public static EpisodeRecord Decode(ReadOnlySpan<byte> bytes, string where = "trajectory record")
    {
        string Bad(string why) => $"{where} is truncated or corrupt ({why}); it cannot be replayed — re-run the evaluation to record it again.";
        if (bytes.Length < Magic.Length + 1 + 4) throw new UserError(Bad($"only {bytes.Length} bytes"));
        if (!bytes[..4].SequenceEqual(Magic)) throw new UserError(Bad("it does not start with the MesaLab episode marker"));
        if (bytes[4] != Version) throw new UserError($"{where} has format version {bytes[4]}; this MesaLab reads version {Version}.");
        var body = bytes[..^4];
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        if (Crc32.Compute(body) != stored) throw new UserError(Bad("checksum mismatch"));
        try
        {
            var r = new Reader(body[5..]);
            string world = r.String(), split = r.String(), fingerprint = r.String(), agent = r.String();
            ulong seed = r.UInt64(), levelSeed = r.UInt64();
            long levelIndex = UnZigZag(r.VarUInt());
            int width = r.Int(), height = r.Int(), start = r.Int();
            float ret = r.Single();
            byte flags = r.Byte();
            int n = r.Int();
            if (n > body.Length * 4) throw new FormatException("step count larger than the record");
            var actions = new Move[n];
            for (int i = 0; i < n; i += 4)
            {
                int b = r.Byte();
                for (int k = 0; k < 4 && i + k < n; k++) actions[i + k] = (Move)((b >> (2 * k)) & 3);
            }
            var events = new StepEvents[n];
            for (int i = 0; i < n; i += 8)
            {
                int b = r.Byte();
                for (int k = 0; k < 8 && i + k < n; k++) if ((b & (1 << k)) != 0) events[i + k] = StepEvents.BumpedWall;
            }
            int others = r.Int(), at = 0;
            for (int j = 0; j < others; j++)
            {
                at += r.Int();
                if (at >= n) throw new FormatException("event beyond the last step");
                events[at] |= (StepEvents)checked((uint)r.VarUInt());
            }
            var positions = new int[n];
            if ((flags & 4) != 0) for (int i = 0; i < n; i++) positions[i] = r.Int();
            else DerivePositions(start, width, actions, events, positions);
            if (!r.AtEnd) throw new FormatException("trailing bytes");
            return new EpisodeRecord
            {
                World = world, Split = split, SplitFingerprint = fingerprint, Agent = agent,
                Seed = seed, LevelSeed = levelSeed, LevelIndex = levelIndex,
                LevelWidth = width, LevelHeight = height, Start = start, Return = ret,
                Terminated = (flags & 1) != 0, Truncated = (flags & 2) != 0,
                Actions = actions, Positions = positions, Events = events,
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw new UserError(Bad(e.Message.TrimEnd('.')));
        }
    }

    /// <summary>Where each step leads when moves are applied from the start and a bump leaves the agent in place.</summary>
    private static void DerivePositions(int start, int width, Move[] actions, StepEvents[] events, int[] positions)
    {
        int p = start;
        for (int t = 0; t < actions.Length; t++)
        {
            if ((events[t] & StepEvents.BumpedWall) == 0) p += Moves.Dx[(int)actions[t]] + Moves.Dy[(int)actions[t]] * width;
            positions[t] = p;
        }
    }

    private static bool PositionsFollow(int start, int width, Move[] actions, StepEvents[] events, int[] positions)
    {
        if (width <= 0) return false;
        var derived = new int[actions.Length];
        DerivePositions(start, width, actions, events, derived);
        return derived.AsSpan().SequenceEqual(positions);
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
    private static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private sealed class Writer(int capacity)
    {
        private byte[] buffer = new byte[Math.Max(16, capacity)];
        private int length;

        public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

        private Span<byte> Take(int n)
        {
            if (length + n > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + n));
            var s = buffer.AsSpan(length, n);
            length += n;
            return s;
        }

        public void Byte(byte b) => Take(1)[0] = b;
        public void Bytes(ReadOnlySpan<byte> b) => b.CopyTo(Take(b.Length));
        public void UInt64(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), v);
        public void UInt32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), v);
        public void Single(float v) => BinaryPrimitives.WriteSingleLittleEndian(Take(4), v);

        public void VarUInt(ulong v)
        {
            while (v >= 0x80) { Byte((byte)(v | 0x80)); v >>= 7; }
            Byte((byte)v);
        }

        public void String(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            VarUInt((ulong)bytes.Length);
            Bytes(bytes);
        }

        public byte[] ToArray() => buffer.AsSpan(0, length).ToArray();
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int pos;

        public readonly bool AtEnd => pos == data.Length;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || pos + n > data.Length) throw new FormatException($"record ends {pos + n - data.Length} bytes early");
            var s = data.Slice(pos, n);
            pos += n;
            return s;
        }

        public byte Byte() => Take(1)[0];
        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        public float Single() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public ulong VarUInt()
        {
            ulong v = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = Byte();
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return v;
            }
            throw new FormatException("varint too long");
        }

        public int Int() => checked((int)VarUInt());

        public string String()
        {
            int n = Int();
            return new UTF8Encoding(false, true).GetString(Take(n));
        }
    }
}
