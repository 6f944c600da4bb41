// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Text;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>
/// AFL-style havoc mutations: bit and byte flips, interesting values, arithmetic, insert, delete, duplicate and
/// overwrite of ranges, splicing with another corpus entry and dictionary tokens; for compact JWS targets, also
/// mutations inside a base64url run (decoded, mutated, re-encoded), so that the JSON under the encoding is reached.
/// </summary>
internal sealed class Mutator(Random random, byte[][] dictionary, int maxLength, bool base64UrlAware)
{
    private static readonly sbyte[] Interesting8 = [-128, -1, 0, 1, 16, 32, 64, 100, 127];
    private static readonly short[] Interesting16 = [-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767];
    private static readonly int[] Interesting32 = [int.MinValue, -100663046, -32769, 32768, 65535, 65536, 100663045, int.MaxValue];
    private static readonly byte[] InterestingChars = "\"\\{}[]:,.=+;#/ \t\r\n\0-_0aA~\u007f"u8.ToArray();

    /// <summary>Makes a child of <paramref name="parent"/>: a stack of 1 to 16 mutations.</summary>
    /// <param name="parent">The corpus entry.</param>
    /// <param name="other">Another corpus entry, for splicing.</param>
    /// <returns>The child.</returns>
    public byte[] Mutate(byte[] parent, byte[] other)
    {
        var data = new List<byte>(parent);
        if (base64UrlAware && random.Next(3) == 0 && TryMutateBase64Run(data, depth: 0))
        {
            return Finish(data);
        }

        var count = 1 << random.Next(5);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(data, other);
        }

        return Finish(data);
    }

    private byte[] Finish(List<byte> data)
    {
        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> data, byte[] other)
    {
        if (data.Count == 0)
        {
            data.AddRange(dictionary.Length > 0 ? dictionary[random.Next(dictionary.Length)] : [(byte)random.Next(256)]);
            return;
        }

        switch (random.Next(16))
        {
            case 0:
                data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 2:
                data[random.Next(data.Count)] = (byte)Interesting8[random.Next(Interesting8.Length)];
                break;
            case 3:
                WriteInteresting(data);
                break;
            case 4:
                var at = random.Next(data.Count);
                data[at] = (byte)(data[at] + random.Next(-35, 36));
                break;
            case 5:
                data[random.Next(data.Count)] = InterestingChars[random.Next(InterestingChars.Length)];
                break;
            case 6:
            case 7:
                DeleteRange(data);
                break;
            case 8:
                data.InsertRange(random.Next(data.Count + 1), Enumerable.Repeat(random.Next(2) == 0 ? (byte)random.Next(256) : data[random.Next(data.Count)], 1 + random.Next(RangeLength(data.Count))));
                break;
            case 9:
                DuplicateRange(data);
                break;
            case 10:
                OverwriteRange(data);
                break;
            case 11:
                Splice(data, other);
                break;
            case 12:
            case 13:
                if (dictionary.Length > 0)
                {
                    data.InsertRange(random.Next(data.Count + 1), dictionary[random.Next(dictionary.Length)]);
                }

                break;
            case 14:
                if (dictionary.Length > 0)
                {
                    var token = dictionary[random.Next(dictionary.Length)];
                    var start = random.Next(data.Count);
                    for (var i = 0; i < token.Length && start + i < data.Count; i++)
                    {
                        data[start + i] = token[i];
                    }
                }

                break;
            default:
                if (other.Length > 0)
                {
                    var from = random.Next(other.Length);
                    var length = 1 + random.Next(Math.Min(RangeLength(other.Length), other.Length - from));
                    data.InsertRange(random.Next(data.Count + 1), other.AsSpan(from, length).ToArray());
                }

                break;
        }
    }

    private void WriteInteresting(List<byte> data)
    {
        Span<byte> value = stackalloc byte[4];
        int width;
        if (random.Next(2) == 0)
        {
            width = 2;
            BitConverter.TryWriteBytes(value, Interesting16[random.Next(Interesting16.Length)]);
        }
        else
        {
            width = 4;
            BitConverter.TryWriteBytes(value, Interesting32[random.Next(Interesting32.Length)]);
        }

        if (random.Next(2) == 0)
        {
            value[..width].Reverse();
        }

        var at = random.Next(data.Count);
        for (var i = 0; i < width && at + i < data.Count; i++)
        {
            data[at + i] = value[i];
        }
    }

    private int RangeLength(int count) => Math.Max(1, random.Next(4) == 0 ? count : Math.Min(count, 32));

    private void DeleteRange(List<byte> data)
    {
        var start = random.Next(data.Count);
        var length = 1 + random.Next(Math.Min(RangeLength(data.Count), data.Count - start));
        data.RemoveRange(start, length);
    }

    private void DuplicateRange(List<byte> data)
    {
        var start = random.Next(data.Count);
        var length = 1 + random.Next(Math.Min(RangeLength(data.Count), data.Count - start));
        var copy = data.GetRange(start, length);
        data.InsertRange(random.Next(data.Count + 1), copy);
    }

    private void OverwriteRange(List<byte> data)
    {
        var from = random.Next(data.Count);
        var to = random.Next(data.Count);
        var length = 1 + random.Next(Math.Min(RangeLength(data.Count), data.Count - Math.Max(from, to)));
        var copy = data.GetRange(from, length);
        for (var i = 0; i < length; i++)
        {
            data[to + i] = copy[i];
        }
    }

    // AFL's splice: a prefix of this input and a suffix of another.
    private void Splice(List<byte> data, byte[] other)
    {
        if (other.Length == 0)
        {
            return;
        }

        var cut = random.Next(data.Count + 1);
        var otherCut = random.Next(other.Length);
        data.RemoveRange(cut, data.Count - cut);
        data.AddRange(other.AsSpan(otherCut).ToArray());
    }

    // Picks a run of the base64url alphabet (a JWS part), decodes it, mutates what is under it (recursing once into
    // a run inside, such as the software statement inside the request payload) and encodes it back.
    private bool TryMutateBase64Run(List<byte> data, int depth)
    {
        var runs = new List<(int Start, int Length)>();
        var i = 0;
        while (i < data.Count)
        {
            if (!IsBase64Url(data[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < data.Count && IsBase64Url(data[i]))
            {
                i++;
            }

            if (i - start >= 4)
            {
                runs.Add((start, i - start));
            }
        }

        if (runs.Count == 0)
        {
            return false;
        }

        var (runStart, runLength) = runs[random.Next(runs.Count)];
        var usable = runLength % 4 == 1 ? runLength - 1 : runLength;
        var encoded = data.GetRange(runStart, usable).ToArray();
        var decoded = new byte[Base64Url.GetMaxDecodedLength(usable)];
        if (Base64Url.DecodeFromUtf8(encoded, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var inner = new List<byte>(decoded.AsSpan(0, written).ToArray());
        if (depth > 1 || random.Next(2) == 0 || !TryMutateBase64Run(inner, depth + 1))
        {
            var count = 1 << random.Next(4);
            for (var n = 0; n < count; n++)
            {
                MutateOnce(inner, []);
            }
        }

        var reencoded = new byte[Base64Url.GetEncodedLength(inner.Count)];
        Base64Url.EncodeToUtf8([.. inner], reencoded, out _, out var length);
        data.RemoveRange(runStart, runLength);
        data.InsertRange(runStart, reencoded.AsSpan(0, length).ToArray());
        return true;
    }

    private static bool IsBase64Url(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_';
}
