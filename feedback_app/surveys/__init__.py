"""The ten-second survey, and the other answers customers give by link: whether an order
arrived, why a deal was lost."""
