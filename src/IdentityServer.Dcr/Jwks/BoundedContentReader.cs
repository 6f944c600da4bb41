// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Jwks;

/// <summary>Reads an HTTP body up to a size limit, never buffering more than the limit plus one byte.</summary>
internal static class BoundedContentReader
{
    private const int InitialBufferSize = 16 * 1024;

    /// <summary>Reads <paramref name="content"/>.</summary>
    /// <returns>The body, or <see langword="null"/> when it is longer than <paramref name="maxSize"/> bytes.</returns>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpContent content, int maxSize, CancellationToken ct)
    {
        var declared = content.Headers.ContentLength;
        if (declared > maxSize)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte past the limit tells "exactly the limit" from "too large" without trusting Content-Length.
            var limit = maxSize + 1L;
            var buffer = new byte[(int)Math.Min(limit, (declared ?? InitialBufferSize) + 1)];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        return null;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(limit, buffer.Length * 2L));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsMemory(0, length);
                }

                length += read;
            }
        }
    }
}
