"""Demand forecasting, exception rules and replenishment arithmetic: the pure core.

Arrays and decimals in, arrays and decimals out. Nothing here reads a clock, a
file or a database, and nothing imports SQLAlchemy or the gateway's domains;
``gateway.planning`` feeds these functions from the tables and stores what they
return. numpy is the one numerical dependency.

- :mod:`.classify`: Syntetos-Boylan demand classes;
- :mod:`.methods`: the forecasting methods, each over many series at once;
- :mod:`.accuracy`: MASE, RMSSE, WAPE and bias;
- :mod:`.engine`: the default configuration, rolling-origin model choice,
  quantiles from backtest residuals;
- :mod:`.partition`: a run shared among local processes or a Dask cluster;
- :mod:`.rules`: CPFR exception criteria compared with the values;
- :mod:`.policy`: replenishment policies, safety stock and order rounding.
"""
