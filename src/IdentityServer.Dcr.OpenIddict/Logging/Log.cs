// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.OpenIddict.Logging;

/// <summary>Log messages of the OpenIddict plug-in. Event ids 1600–1699.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1600, EventName = nameof(ApplicationWritten), Level = LogLevel.Debug,
        Message = "OpenIddict application {ClientId}: {Kind} in the registration's transaction.")]
    public static partial void ApplicationWritten(
        this ILogger logger,
        string clientId,
        IdentityServer.Dcr.EntityFramework.Stores.RegistrationWriteKind kind);

    [LoggerMessage(EventId = 1604, EventName = nameof(SecretRejected), Level = LogLevel.Information,
        Message = "Client {ClientId}: the client secret does not match, or has expired.")]
    public static partial void SecretRejected(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1606, EventName = nameof(AssertionReplayed), Level = LogLevel.Warning,
        Message = "Client {ClientId}: client assertion {Jti} was already used.")]
    private static partial void AssertionReplayedCore(this ILogger logger, string clientId, string jti);

    /// <summary>Logs a replayed assertion; the client's values are bounded and their control characters escaped.</summary>
    public static void AssertionReplayed(this ILogger logger, string clientId, string jti)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.AssertionReplayedCore(ClientText.Sanitize(clientId), ClientText.Sanitize(jti));
        }
    }

    [LoggerMessage(EventId = 1607, EventName = nameof(JwksUnavailable), Level = LogLevel.Error,
        Message = "Client {ClientId}: its JWKS could not be fetched.")]
    public static partial void JwksUnavailable(this ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = 1608, EventName = nameof(AccessTokenRejected), Level = LogLevel.Information,
        Message = "Management access token rejected: {Error} {Description}")]
    public static partial void AccessTokenRejected(this ILogger logger, string? error, string? description);

    [LoggerMessage(EventId = 1609, EventName = nameof(TokensRevoked), Level = LogLevel.Information,
        Message = "Revoked {Count} token(s) of client {ClientId}.")]
    public static partial void TokensRevoked(this ILogger logger, string clientId, long count);

    [LoggerMessage(EventId = 1610, EventName = nameof(IdTokenAlgorithmUnavailable), Level = LogLevel.Warning,
        Message = "Client {ClientId} registered id_token_signed_response_alg {Algorithm}, but the server has no signing "
            + "credential of that algorithm: its ID token is signed with the default credential. Add one "
            + "(AddSigningCredentials).")]
    public static partial void IdTokenAlgorithmUnavailable(this ILogger logger, string clientId, string algorithm);

    [LoggerMessage(EventId = 1611, EventName = nameof(ApplicationChangedDuringRequest), Level = LogLevel.Information,
        Message = "Client {ClientId}: its application was written while the token request was checked; the request is refused "
            + "and may be sent again.")]
    public static partial void ApplicationChangedDuringRequest(this ILogger logger, string clientId);
}
