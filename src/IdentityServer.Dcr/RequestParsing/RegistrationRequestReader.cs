// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;
using System.Text.Json;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.RequestParsing;

/// <summary>
/// The default <see cref="IRegistrationRequestReader"/>. Steps, in order: <see cref="ValidateBodySize"/>,
/// <see cref="ValidateContentType"/>, <see cref="ExtractToken"/>, <see cref="ParseToken"/>.
/// </summary>
public class RegistrationRequestReader : IRegistrationRequestReader
{
    /// <summary>Creates the reader.</summary>
    /// <param name="options">The engine options.</param>
    public RegistrationRequestReader(IOptionsMonitor<DcrOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The accepted media types.</summary>
    protected static IReadOnlyList<string> AcceptedMediaTypes { get; } = ["application/jose", "application/jwt", "application/json"];

    /// <inheritdoc />
    public DcrStepResult Read(DcrRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = Options.CurrentValue.RequestObject.MaxBodySize;
        var body = context.Request.Body;
        DcrStepResult result;
        string? mediaType = null;
        string? token = null;
        if (!(result = ValidateBodySize(body, limit)).Succeeded
            || !(result = ValidateContentType(context.Request.ContentType, out mediaType)).Succeeded
            || !(result = ExtractToken(mediaType!, body, out token)).Succeeded
            || !(result = ParseToken(context, token, limit)).Succeeded)
        {
            return result;
        }

        return DcrStepResult.Success;
    }

    /// <summary>The body is no larger than <see cref="RequestObjectOptions.MaxBodySize"/>.</summary>
    /// <param name="body">The body.</param>
    /// <param name="limit">The limit, in bytes.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateBodySize(ReadOnlyMemory<byte> body, int limit)
        => body.Length > limit ? DcrError.BodyTooLarge(limit) : DcrStepResult.Success;

    /// <summary>Checks the media type (parameters such as <c>charset</c> are ignored).</summary>
    /// <param name="contentType">The <c>Content-Type</c> header.</param>
    /// <param name="mediaType">The media type, lower-cased.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateContentType(string? contentType, out string? mediaType)
    {
        mediaType = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        return mediaType is not null && AcceptedMediaTypes.Contains(mediaType)
            ? DcrStepResult.Success
            : DcrError.InvalidClientMetadata(DcrErrorDescriptions.ContentTypeUnsupported);
    }

    /// <summary>Extracts the compact JWS from the body: raw text, or for JSON a string value holding it.</summary>
    /// <param name="mediaType">The media type.</param>
    /// <param name="body">The body.</param>
    /// <param name="token">The token text.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ExtractToken(string mediaType, ReadOnlyMemory<byte> body, out string? token)
    {
        token = null;
        string text;
        try
        {
            text = StrictUtf8.GetString(body.Span).Trim();
        }
        catch (DecoderFallbackException)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.BodyNotUtf8);
        }

        if (text.Length == 0)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.BodyEmpty);
        }

        if (text[0] == '"' && string.Equals(mediaType, "application/json", StringComparison.Ordinal))
        {
            try
            {
                token = JsonSerializer.Deserialize<string>(text);
            }
            catch (JsonException)
            {
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.BodyNotJwt);
            }
        }
        else if (text[0] == '{')
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.BodyNotJwt);
        }
        else
        {
            token = text;
        }

        return DcrStepResult.Success;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses the token as a compact JWS by the engine's strict reader (no trust yet) into
    /// <see cref="DcrRequestContext.RequestToken"/>.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="token">The token text.</param>
    /// <param name="limit">The most characters accepted.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ParseToken(DcrRequestContext context, string? token, int limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!CompactJws.TryParse(token, limit, out var jws, out var error))
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.RegistrationRequestMalformed(error));
        }

        context.RequestToken = jws;
        return DcrStepResult.Success;
    }
}
