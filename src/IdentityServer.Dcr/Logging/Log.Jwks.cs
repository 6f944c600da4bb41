// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Jwks;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Logging;

/// <summary>JWKS resolution messages: event ids 1400-1499. Hosts and <c>kid</c>s only, never key material.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1400, EventName = nameof(JwksFetching), Level = LogLevel.Debug,
        Message = "Fetching the {JwksSourceKind} JWKS from {JwksHost} ({JwksUri}).")]
    public static partial void JwksFetching(this ILogger logger, JwksSourceKind jwksSourceKind, string jwksHost, Uri jwksUri);

    [LoggerMessage(EventId = 1401, EventName = nameof(JwksFetched), Level = LogLevel.Debug,
        Message = "Fetched the JWKS of {JwksHost}: {KeyCount} usable signing keys, {SkippedCount} skipped.")]
    public static partial void JwksFetched(this ILogger logger, string jwksHost, int keyCount, int skippedCount);

    [LoggerMessage(EventId = 1402, EventName = nameof(JwksKeySkipped), Level = LogLevel.Debug,
        Message = "Skipped key {KeyId} of the JWKS of {JwksHost}: {SkipReason}.")]
    public static partial void JwksKeySkipped(this ILogger logger, string jwksHost, string? keyId, string skipReason);

    [LoggerMessage(EventId = 1403, EventName = nameof(JwksPrivateKeySkipped), Level = LogLevel.Warning,
        Message = "The JWKS of {JwksHost} publishes private key material for key {KeyId}; the key is ignored and should be considered compromised.")]
    public static partial void JwksPrivateKeySkipped(this ILogger logger, string jwksHost, string? keyId);

    [LoggerMessage(EventId = 1404, EventName = nameof(JwksCacheHit), Level = LogLevel.Debug,
        Message = "Found key {KeyId} in the cached JWKS of {JwksHost}.")]
    public static partial void JwksCacheHit(this ILogger logger, string jwksHost, string? keyId);

    [LoggerMessage(EventId = 1405, EventName = nameof(JwksRefreshingForUnknownKey), Level = LogLevel.Debug,
        Message = "Key {KeyId} is not in the cached JWKS of {JwksHost}; refreshing it.")]
    public static partial void JwksRefreshingForUnknownKey(this ILogger logger, string jwksHost, string? keyId);

    [LoggerMessage(EventId = 1406, EventName = nameof(JwksRefreshRateLimited), Level = LogLevel.Debug,
        Message = "Key {KeyId} is not in the cached JWKS of {JwksHost}, which was fetched less than {MinRefreshInterval} ago; not refreshing.")]
    public static partial void JwksRefreshRateLimited(this ILogger logger, string jwksHost, string? keyId, TimeSpan minRefreshInterval);

    [LoggerMessage(EventId = 1407, EventName = nameof(JwksUnknownKey), Level = LogLevel.Warning,
        Message = "The JWKS of {JwksHost} holds no usable signing key {KeyId}.")]
    public static partial void JwksUnknownKey(this ILogger logger, string jwksHost, string? keyId);

    [LoggerMessage(EventId = 1408, EventName = nameof(JwksUriRefused), Level = LogLevel.Warning,
        Message = "Refused to fetch the JWKS from {JwksHost}: {Reason}")]
    public static partial void JwksUriRefused(this ILogger logger, string jwksHost, string reason);

    [LoggerMessage(EventId = 1409, EventName = nameof(JwksInvalid), Level = LogLevel.Warning,
        Message = "The JWKS from {JwksHost} is not usable: {Reason}")]
    public static partial void JwksInvalid(this ILogger logger, string jwksHost, string reason);

    [LoggerMessage(EventId = 1410, EventName = nameof(JwksFetchFailed), Level = LogLevel.Error,
        Message = "Fetching the JWKS from {JwksHost} failed.")]
    public static partial void JwksFetchFailed(this ILogger logger, string jwksHost, Exception exception);

    [LoggerMessage(EventId = 1411, EventName = nameof(JwksFetchTimedOut), Level = LogLevel.Error,
        Message = "Fetching the JWKS from {JwksHost} timed out after {Timeout}.")]
    public static partial void JwksFetchTimedOut(this ILogger logger, string jwksHost, TimeSpan timeout);

    [LoggerMessage(EventId = 1412, EventName = nameof(JwksStaleKeyUsed), Level = LogLevel.Warning,
        Message = "The JWKS of {JwksHost} could not be refreshed; using key {KeyId} from the copy fetched at {FetchedAt:O}.")]
    public static partial void JwksStaleKeyUsed(this ILogger logger, string jwksHost, string? keyId, DateTimeOffset fetchedAt);

    [LoggerMessage(EventId = 1413, EventName = nameof(JwksCacheEvicted), Level = LogLevel.Debug,
        Message = "Evicted the cached JWKS of {JwksUri} to stay within the cache size.")]
    public static partial void JwksCacheEvicted(this ILogger logger, string jwksUri);

    [LoggerMessage(EventId = 1414, EventName = nameof(JwksFetchJoined), Level = LogLevel.Debug,
        Message = "Waiting for the JWKS fetch from {JwksHost} already in flight.")]
    public static partial void JwksFetchJoined(this ILogger logger, string jwksHost);
}
