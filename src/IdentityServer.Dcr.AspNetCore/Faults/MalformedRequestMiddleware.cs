// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Faults;

/// <summary>
/// Turns a request that ASP.NET Core itself cannot read into an OAuth error, wherever it is read: a form over the
/// framework's limits (a key over 2,048 characters, a value over 4 MB, more than 1,024 fields), a body over Kestrel's
/// <c>MaxRequestBodySize</c>, a malformed or too slow body. OpenIddict's and Duende's token, pushed authorization and
/// authorization endpoints, and a host's own forms, read the form through the framework and let its exception escape:
/// without this it is a 500 (in Development, with the stack trace). The answer is <c>invalid_request</c> (RFC 6749
/// section 5.2) with the status the framework gives (<c>413</c> for a body too large, otherwise <c>400</c>).
/// </summary>
public sealed class MalformedRequestMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="logger">The logger.</param>
    public MalformedRequestMiddleware(RequestDelegate next, ILogger<MalformedRequestMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    /// <summary>Runs the pipeline; answers <c>invalid_request</c> for an unreadable request when the response has not started.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (DcrFaultAnswers.CanAnswer(context) && Find(exception) is { } cause)
        {
            await DcrFaultAnswers.WriteUnreadableAsync(context, cause, Status(cause), _logger).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) says the client's request could not be read: the framework's
    /// <see cref="BadHttpRequestException"/> (its status in <paramref name="statusCode"/>), or an
    /// <see cref="InvalidDataException"/> thrown by the framework's form or multipart readers (<c>400</c>).
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="statusCode">The status to answer with.</param>
    /// <returns><see langword="true"/> for a request the client must change.</returns>
    public static bool IsMalformedRequest(Exception exception, out int statusCode)
    {
        var cause = Find(exception);
        statusCode = cause is null ? 0 : Status(cause);
        return cause is not null;
    }

    /// <summary>The exception, of <paramref name="exception"/> and those it wraps, that says the request could not be read.</summary>
    internal static Exception? Find(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var (current, seen) = (exception, 0); current is not null && seen < 32; current = current.InnerException, seen++)
        {
            if (current is BadHttpRequestException
                || current is InvalidDataException { Source: "Microsoft.AspNetCore.WebUtilities" or "Microsoft.AspNetCore.Http" })
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The status for a <see cref="Find"/> result: the framework's own client-error status, else 400.</summary>
    internal static int Status(Exception cause)
        => cause is BadHttpRequestException { StatusCode: >= 400 and < 500 } bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
}
