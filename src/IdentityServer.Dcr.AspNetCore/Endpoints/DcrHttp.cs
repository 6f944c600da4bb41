// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// Reading and writing the DCR endpoints' HTTP messages, shared by the endpoints of this package and by plug-ins that
/// map their own (the Duende adapter): a body read with a size cap before anything parses it, and JSON answers that
/// are never cached, RFC 7591 errors, and the 503 of an unavailable dependency.
/// </summary>
public static class DcrHttp
{
    // JSON for API clients, never embedded in HTML: no need to escape quotes or non-ASCII letters as \uXXXX.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads at most <paramref name="limit"/> bytes; <see langword="null"/> when the body is larger.</summary>
    /// <param name="request">The request.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The body, or <see langword="null"/> when it is larger than <paramref name="limit"/>.</returns>
    public static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new byte[Math.Min(limit + 1, (int?)request.ContentLength + 1 ?? 4096)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > limit)
            {
                return null;
            }
        }

        return buffer.AsMemory(0, length);
    }

    /// <summary>Answers 503 <c>temporarily_unavailable</c> with <c>Retry-After</c>: a dependency (store, JWKS host) is down.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public static Task WriteUnavailableAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = DcrDefaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteErrorAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            new DcrError(DcrDefaults.TemporarilyUnavailable, DcrErrorDescriptions.ServiceUnavailable));
    }

    /// <summary>Answers <paramref name="status"/> with the RFC 7591 error body.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="status">The status code.</param>
    /// <param name="error">The error.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public static Task WriteErrorAsync(HttpContext context, int status, DcrError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return WriteJsonAsync(context, status, error.ToJson());
    }

    /// <summary>Answers <paramref name="status"/> with a JSON body, not to be cached (<c>no-store</c>).</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        var writer = new Utf8JsonWriter(response.Body, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            body.WriteTo(writer);
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}
