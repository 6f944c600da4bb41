// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Logging;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// <c>POST /register</c>: reads the body (capped before parsing) and the transport certificate, runs
/// <see cref="IRegistrationService"/>, and writes 201 with the registration, 400 with an RFC 7591 error, or 503 when
/// a dependency is unavailable. Every answer is JSON and is not cached.
/// </summary>
internal static class RegistrationEndpoint
{
    // JSON for API clients, never embedded in HTML: no need to escape quotes or non-ASCII letters as \uXXXX.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task HandlePostAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RegistrationEndpoint).FullName!);
        var ct = context.RequestAborted;

        var limit = options.RequestObject.MaxBodySize;
        var body = await ReadBodyAsync(context.Request, limit, ct).ConfigureAwait(false);
        if (body is null)
        {
            logger.BodyTooLarge(limit);
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, DcrError.BodyTooLarge(limit)).ConfigureAwait(false);
            return;
        }

        var accessor = services.GetService<IClientCertificateAccessor>()
            ?? ActivatorUtilities.CreateInstance<ClientCertificateAccessor>(services);
        var certificate = await accessor.GetClientCertificateAsync(context, ct).ConfigureAwait(false);
        var request = new DcrRequest(context.Request.ContentType, body.Value, certificate);

        DcrResult<JsonObject> result;
        try
        {
            result = await services.GetRequiredService<IRegistrationService>().RegisterAsync(request, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            logger.DependencyUnavailable(exception);
            await WriteUnavailableAsync(context).ConfigureAwait(false);
            return;
        }

        if (!result.Succeeded)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, result.Error).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status201Created, result.Value).ConfigureAwait(false);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; <see langword="null"/> when the body is larger.</summary>
    internal static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
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

    internal static Task WriteUnavailableAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = DcrDefaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, new DcrError(
            DcrDefaults.TemporarilyUnavailable, "The registration service is temporarily unavailable; retry later."));
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, DcrError error)
    {
        return WriteJsonAsync(context, status, error.ToJson());
    }

    internal static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
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
