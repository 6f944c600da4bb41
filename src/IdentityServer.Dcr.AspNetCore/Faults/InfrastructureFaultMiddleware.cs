// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Data.Common;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Faults;

/// <summary>
/// Turns an infrastructure fault that escapes any endpoint (the database down during a token request in OpenIddict's
/// or Duende's pipeline, a store or JWKS outage) into <c>503</c> with <c>Retry-After</c> and an OAuth JSON body
/// (<c>temporarily_unavailable</c>), never a 500 with a stack trace. Client input never reaches it: only faults of the
/// bank's dependencies are caught (<see cref="IsInfrastructureFault"/>); anything else is left to the host.
/// </summary>
public sealed class InfrastructureFaultMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="logger">The logger.</param>
    public InfrastructureFaultMiddleware(RequestDelegate next, ILogger<InfrastructureFaultMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    /// <summary>Runs the pipeline; answers 503 for an infrastructure fault when the response has not started.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (DcrFaultAnswers.CanAnswer(context) && IsInfrastructureFault(exception))
        {
            await DcrFaultAnswers.WriteUnavailableAsync(context, exception, _logger).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) is a fault of the bank's dependencies: the engine's
    /// <see cref="DcrInfrastructureException"/> (store, JWKS, revocation source), a database provider's
    /// <see cref="DbException"/>, a <see cref="TimeoutException"/> or a <see cref="SocketException"/>.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for an infrastructure fault.</returns>
    public static bool IsInfrastructureFault(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var pending = new Stack<Exception>();
        pending.Push(exception);
        for (var seen = 0; pending.Count > 0 && seen < 32; seen++)
        {
            var current = pending.Pop();
            if (current is DcrInfrastructureException or DbException or TimeoutException or SocketException)
            {
                return true;
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return false;
    }
}
