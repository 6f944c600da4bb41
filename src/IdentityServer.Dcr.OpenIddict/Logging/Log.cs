// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.OpenIddict.Logging;

/// <summary>Log messages of the OpenIddict plug-in. Event ids 1600–1699.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1600, EventName = nameof(ApplicationWritten), Level = LogLevel.Debug,
        Message = "OpenIddict application {ClientId}: {Kind} in the registration's transaction.")]
    public static partial void ApplicationWritten(this ILogger logger, string clientId, IdentityServer.Dcr.EntityFramework.Stores.RegistrationWriteKind kind);

    [LoggerMessage(EventId = 1601, EventName = nameof(AuthenticationMethodMismatch), Level = LogLevel.Information,
        Message = "Client {ClientId} is registered for {Registered} but authenticated with {Presented}.")]
    public static partial void AuthenticationMethodMismatch(this ILogger logger, string clientId, string registered, string presented);

    [LoggerMessage(EventId = 1602, EventName = nameof(AuthenticationMethodDisabled), Level = LogLevel.Information,
        Message = "Client {ClientId} authenticated with {Method}, which the bank does not enable.")]
    public static partial void AuthenticationMethodDisabled(this ILogger logger, string clientId, string method);

    [LoggerMessage(EventId = 1603, EventName = nameof(CertificateRejected), Level = LogLevel.Information,
        Message = "Client {ClientId}: transport certificate {Thumbprint} rejected: {Reason}")]
    public static partial void CertificateRejected(this ILogger logger, string clientId, string? thumbprint, string reason);

    [LoggerMessage(EventId = 1604, EventName = nameof(SecretRejected), Level = LogLevel.Information,
        Message = "Client {ClientId}: the client secret does not match, or has expired.")]
    public static partial void SecretRejected(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1605, EventName = nameof(AssertionKeyNotFound), Level = LogLevel.Warning,
        Message = "Client {ClientId}: no key {KeyId} for the client assertion in its JWKS: {Reason}")]
    public static partial void AssertionKeyNotFound(this ILogger logger, string clientId, string? keyId, string reason);

    [LoggerMessage(EventId = 1606, EventName = nameof(AssertionReplayed), Level = LogLevel.Warning,
        Message = "Client {ClientId}: client assertion {Jti} was already used.")]
    public static partial void AssertionReplayed(this ILogger logger, string clientId, string jti);

    [LoggerMessage(EventId = 1607, EventName = nameof(JwksUnavailable), Level = LogLevel.Error,
        Message = "Client {ClientId}: its JWKS could not be fetched.")]
    public static partial void JwksUnavailable(this ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = 1608, EventName = nameof(AccessTokenRejected), Level = LogLevel.Information,
        Message = "Management access token rejected: {Error} {Description}")]
    public static partial void AccessTokenRejected(this ILogger logger, string? error, string? description);

    [LoggerMessage(EventId = 1609, EventName = nameof(TokensRevoked), Level = LogLevel.Information,
        Message = "Revoked {Count} token(s) of client {ClientId}.")]
    public static partial void TokensRevoked(this ILogger logger, string clientId, long count);

    [LoggerMessage(EventId = 1610, EventName = nameof(AssertionMissingJti), Level = LogLevel.Information,
        Message = "Client {ClientId}: the client assertion has no jti or no exp.")]
    public static partial void AssertionMissingJti(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1611, EventName = nameof(AssertionJtiTooLong), Level = LogLevel.Information,
        Message = "Client {ClientId}: the client assertion's jti is {Length} characters long, more than the store holds.")]
    public static partial void AssertionJtiTooLong(this ILogger logger, string clientId, int length);

    [LoggerMessage(EventId = 1612, EventName = nameof(AssertionLifetimeTooLong), Level = LogLevel.Information,
        Message = "Client {ClientId}: the client assertion expires at {ExpiresAt}, beyond the accepted lifetime.")]
    public static partial void AssertionLifetimeTooLong(this ILogger logger, string clientId, DateTimeOffset expiresAt);
}
